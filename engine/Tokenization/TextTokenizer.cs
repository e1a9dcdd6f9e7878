using System.Text;
using LlmOperator.Engine.Weights;
using Microsoft.ML.Tokenizers;

namespace LlmOperator.Engine.Tokenization;

/// <summary>
/// A model directory's tokenizer: <c>tokenizer.json</c> (Llama 3 / Llama 4 byte-level BPE) run by
/// Microsoft.ML.Tokenizers (<see cref="BpeTokenizerFactory"/>), with BOS/EOS ids and the chat template from
/// <c>generation_config.json</c> and <c>tokenizer_config.json</c>. Special tokens written in the text
/// (<c>&lt;|eot_id|&gt;</c>, <c>&lt;|header_start|&gt;</c>, …) encode to their ids, as in transformers.
/// Problems raise <see cref="CheckpointException"/> naming the file.
/// </summary>
public sealed class TextTokenizer
{
    public const string TokenizerFile = "tokenizer.json";

    private readonly Tokenizer _tokenizer;
    private readonly IReadOnlyDictionary<string, int> _vocab;
    private readonly Dictionary<string, int> _specialTokens;
    private readonly HashSet<int> _specialIds;

    private TextTokenizer(Tokenizer tokenizer, TokenizerJson json, TokenizerSettings settings)
    {
        _tokenizer = tokenizer;
        _vocab = json.Vocab;
        _specialTokens = json.AddedTokens.ToDictionary(t => t.Content, t => t.Id, StringComparer.Ordinal);
        _specialIds = [.. _specialTokens.Values];
        Settings = settings;
        VocabSize = json.Vocab.Values.Concat(_specialIds).Max() + 1;
    }

    public static TextTokenizer Load(string modelDirectory)
    {
        string path = Path.Combine(modelDirectory, TokenizerFile);
        if (!File.Exists(path))
            throw new CheckpointException(
                $"{modelDirectory}: has no {TokenizerFile}; copy the model's tokenizer.json beside its config.json " +
                "(or pass token ids instead of text).");
        var json = TokenizerJson.Read(path);
        var tokenizer = BpeTokenizerFactory.Create(json);
        var settings = TokenizerSettings.Read(modelDirectory, token => IdOf(json, token));
        return new TextTokenizer(tokenizer, json, settings);
    }

    public int? BosTokenId => Settings.BosTokenId;

    public IReadOnlyList<int> EosTokenIds => Settings.EosTokenIds;

    public TokenizerSettings Settings { get; }

    /// <summary>One past the highest id the tokenizer can produce (vocab and added tokens).</summary>
    public int VocabSize { get; }

    /// <summary>Added tokens (Llama's special tokens) by content.</summary>
    public IReadOnlyDictionary<string, int> SpecialTokens => _specialTokens;

    public bool IsSpecial(int id) => _specialIds.Contains(id);

    public int[] Encode(string text, bool addBos)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = _tokenizer.EncodeToIds(text);
        if (!addBos || BosTokenId is not { } bos)
            return [.. ids];
        return [bos, .. ids];
    }

    /// <summary>Text of <paramref name="ids"/> without special tokens, as vLLM returns generated text by default.</summary>
    public string Decode(IEnumerable<int> ids) => Decode(ids, skipSpecialTokens: true);

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var list = ids.ToList();
        foreach (int id in list)
            if (id < 0 || id >= VocabSize)
                throw new ArgumentOutOfRangeException(nameof(ids), $"token id {id} is outside the vocabulary [0, {VocabSize}).");
        var kept = skipSpecialTokens ? list.Where(id => !_specialIds.Contains(id)) : list;
        return _tokenizer.Decode(kept) ?? "";
    }

    /// <summary>A token string (added token or plain text) to its id, as tokenizer_config.json names them.</summary>
    private static int? IdOf(TokenizerJson json, string token)
    {
        if (json.AddedTokens.FirstOrDefault(t => t.Content == token) is { } added)
            return added.Id;
        return json.Vocab.TryGetValue(ByteLevelAlphabet.Encode(Encoding.UTF8.GetBytes(token)), out int id) ? id : null;
    }
}
