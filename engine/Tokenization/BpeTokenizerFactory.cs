using System.Text;
using System.Text.RegularExpressions;
using LlmOperator.Engine.Weights;
using Microsoft.ML.Tokenizers;

namespace LlmOperator.Engine.Tokenization;

/// <summary>
/// Builds a Microsoft.ML.Tokenizers tokenizer from a <see cref="TokenizerJson"/>.
/// <para>
/// Llama 3 and Llama 4 tokenizer.json files are conversions of tiktoken vocabularies: ids are tiktoken ranks,
/// merges are sorted by the rank of the token they make, and <c>ignore_merges</c> looks a whole piece up before
/// merging. That is exactly tiktoken's algorithm, so such files load as a <see cref="TiktokenTokenizer"/> (ranks =
/// the vocab's ids over the byte sequences its byte-level strings stand for). Any other byte-level BPE, whose merge
/// order is not its id order, loads as a <see cref="BpeTokenizer"/> with <c>ByteLevel</c> and the merges as listed.
/// Both split the text with the file's own regex and match added tokens whole first.
/// </para>
/// </summary>
internal static class BpeTokenizerFactory
{
    public static Tokenizer Create(TokenizerJson json)
    {
        var added = json.AddedTokens.ToDictionary(t => t.Content, t => t.Id, StringComparer.Ordinal);
        var preTokenizer = new RegexPreTokenizer(SplitRegex(json), added);
        return MergesFollowRanks(json)
            ? Tiktoken(json, preTokenizer, added)
            : Bpe(json, preTokenizer, added);
    }

    private static Regex SplitRegex(TokenizerJson json)
    {
        try
        {
            return new Regex(json.SplitPattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw new CheckpointException($"{json.Path}: the Split pre-tokenizer's regex does not compile in .NET: {e.Message}");
        }
    }

    /// <summary>True when every merge makes a token and the tokens made never go down in id along the list.</summary>
    internal static bool MergesFollowRanks(TokenizerJson json)
    {
        int previous = -1;
        foreach (string merge in json.Merges)
        {
            if (!json.Vocab.TryGetValue(merge.Replace(" ", "", StringComparison.Ordinal), out int id) || id < previous)
                return false;
            previous = id;
        }
        return true;
    }

    private static Tokenizer Tiktoken(TokenizerJson json, PreTokenizer preTokenizer, Dictionary<string, int> added)
    {
        var specialIds = added.Values.ToHashSet();
        var ranks = new StringBuilder();
        foreach (var (token, id) in json.Vocab.OrderBy(p => p.Value))
        {
            if (specialIds.Contains(id))
                continue;
            byte[] bytes = ByteLevelAlphabet.Decode(token)
                ?? throw new CheckpointException(
                    $"{json.Path}: vocab token '{token}' (id {id}) is not in the byte-level alphabet; the tokenizer is not byte-level BPE.");
            ranks.Append(Convert.ToBase64String(bytes)).Append(' ').Append(id).Append('\n');
        }
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(ranks.ToString()));
        return TiktokenTokenizer.Create(stream, preTokenizer, normalizer: null, specialTokens: added);
    }

    private static Tokenizer Bpe(TokenizerJson json, PreTokenizer preTokenizer, Dictionary<string, int> added)
    {
        var vocab = new Dictionary<string, int>(json.Vocab, StringComparer.Ordinal);
        foreach (var (content, id) in added)
            vocab.TryAdd(content, id);
        try
        {
            return BpeTokenizer.Create(new BpeOptions(vocab)
            {
                Merges = json.Merges,
                SpecialTokens = added,
                PreTokenizer = preTokenizer,
                ByteLevel = true,
            });
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // The library refuses, e.g., a merge listed twice.
            throw new CheckpointException($"{json.Path}: the BPE model cannot be built from its vocab and merges: {e.Message}");
        }
    }
}
