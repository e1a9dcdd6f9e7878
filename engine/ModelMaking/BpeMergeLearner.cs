using System.Text;
using System.Text.RegularExpressions;
using LlmOperator.Engine.Tokenization;

namespace LlmOperator.Engine.ModelMaking;

/// <summary>
/// Learns byte-level BPE merges from a text, deterministically, for the tokenizers <c>make-model</c> writes.
/// Microsoft.ML.Tokenizers encodes and decodes but has no trainer, so this is the one place the engine runs BPE
/// itself, and only to make test models: the text is split with the tokenizer's own regex, each piece becomes
/// byte-level symbols, and the most frequent adjacent pair (ties broken by ordinal order) is merged until
/// <c>maxMerges</c> is reached or every piece is one token. Each merge yields a new token, so merge order equals id order,
/// as in the tiktoken-derived Llama 3 / Llama 4 vocabularies.
/// </summary>
public static class BpeMergeLearner
{
    public static IReadOnlyList<(string Left, string Right)> Learn(string text, string splitPattern, int maxMerges)
    {
        var words = CountWords(text, splitPattern);
        var known = new HashSet<string>(ByteLevelAlphabet.Bytes.Select(b => ByteLevelAlphabet.Encode([b])), StringComparer.Ordinal);
        var merges = new List<(string, string)>();
        while (merges.Count < maxMerges)
        {
            if (BestPair(words) is not { } best)
                break;
            foreach (var word in words)
                Merge(word.Symbols, best.Left, best.Right);
            // A pair whose concatenation is already a token adds nothing; a tiktoken-style vocabulary merges it anyway.
            if (known.Add(best.Left + best.Right))
                merges.Add(best);
        }
        return merges;
    }

    private sealed record Word(List<string> Symbols, int Count);

    private static List<Word> CountWords(string text, string splitPattern)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Match piece in Regex.Matches(text, splitPattern))
        {
            string encoded = ByteLevelAlphabet.Encode(Encoding.UTF8.GetBytes(piece.Value));
            counts[encoded] = counts.GetValueOrDefault(encoded) + 1;
        }
        return counts.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new Word(p.Key.Select(c => c.ToString()).ToList(), p.Value))
            .ToList();
    }

    private static (string Left, string Right)? BestPair(List<Word> words)
    {
        var counts = new Dictionary<(string, string), int>();
        foreach (var word in words)
            for (int i = 0; i + 1 < word.Symbols.Count; i++)
            {
                var pair = (word.Symbols[i], word.Symbols[i + 1]);
                counts[pair] = counts.GetValueOrDefault(pair) + word.Count;
            }
        (string, string)? best = null;
        int bestCount = 0; // a pair seen once still merges: the text is small, and whole rare words become tokens
        foreach (var (pair, count) in counts)
        {
            if (count > bestCount || (count == bestCount && best is { } b && Compare(pair, b) < 0))
            {
                best = pair;
                bestCount = count;
            }
        }
        return best;
    }

    private static int Compare((string Left, string Right) a, (string Left, string Right) b)
    {
        int left = string.CompareOrdinal(a.Left, b.Left);
        return left != 0 ? left : string.CompareOrdinal(a.Right, b.Right);
    }

    private static void Merge(List<string> symbols, string left, string right)
    {
        for (int i = 0; i + 1 < symbols.Count; i++)
        {
            if (symbols[i] == left && symbols[i + 1] == right)
            {
                symbols[i] = left + right;
                symbols.RemoveAt(i + 1);
            }
        }
    }
}
