namespace LlmOperator.Engine.Tokenization;

/// <summary>CONTRACT STUB (owner: weights helper): tokenizer.json through Microsoft.ML.Tokenizers.</summary>
public sealed class TextTokenizer
{
    public static TextTokenizer Load(string modelDirectory) => throw new NotImplementedException();

    public int? BosTokenId => throw new NotImplementedException();

    public IReadOnlyList<int> EosTokenIds => throw new NotImplementedException();

    public int[] Encode(string text, bool addBos) => throw new NotImplementedException();

    public string Decode(IEnumerable<int> ids) => throw new NotImplementedException();
}
