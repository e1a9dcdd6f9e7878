using LlmOperator.Engine.Tokenization;

namespace LlmOperator.Engine.Core;

/// <summary>
/// What the engine needs of the model's tokenizer: generated text without special tokens (as vLLM returns it by
/// default), one token's own text for logprobs, and the end-of-sequence ids that stop generation.
/// </summary>
public sealed class EngineTokenizer(TextTokenizer tokenizer)
{
    private readonly HashSet<int> _eos = [.. tokenizer.EosTokenIds];

    public TextTokenizer Text => tokenizer;

    public IReadOnlySet<int> EosTokenIds => _eos;

    public string DecodeText(IReadOnlyList<int> ids) => tokenizer.Decode(ids);

    /// <summary>The token's text with special tokens spelled out (OpenAI's logprobs show every token).</summary>
    public string TokenText(int id) => tokenizer.Decode([id], skipSpecialTokens: false);
}
