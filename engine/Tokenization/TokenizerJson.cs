using System.Text.Json;
using LlmOperator.Engine.Weights;

namespace LlmOperator.Engine.Tokenization;

/// <summary>An added token of tokenizer.json (<c>added_tokens[]</c>): matched whole in the text before BPE.</summary>
public sealed record AddedToken(int Id, string Content, bool Special);

/// <summary>
/// The parts of a Hugging Face <c>tokenizer.json</c> a byte-level BPE tokenizer needs, checked for the shape
/// Llama 3 and Llama 4 ship: <c>model.type</c> BPE with vocab and merges, a <c>Split</c> regex pre-tokenizer
/// followed by <c>ByteLevel</c>, and the added (special) tokens. Read with <see cref="JsonDocument"/>: Llama 4's
/// file holds 200k tokens and as many merges.
/// </summary>
public sealed record TokenizerJson(
    string Path,
    IReadOnlyDictionary<string, int> Vocab,
    IReadOnlyList<string> Merges,
    IReadOnlyList<AddedToken> AddedTokens,
    string SplitPattern,
    bool IgnoreMerges)
{
    public static TokenizerJson Read(string path)
    {
        using var document = Parse(path);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw Error(path, "must be a JSON object");
        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
            throw Error(path, "has no 'model' object");
        string type = StringOf(model, "type") ?? "";
        if (type != "BPE")
            throw Error(path, $"model.type is '{type}'; the engine loads byte-level BPE tokenizers (Llama 3, Llama 4)");
        return new TokenizerJson(
            path,
            ReadVocab(path, model),
            ReadMerges(path, model),
            ReadAddedTokens(path, root),
            ReadSplitPattern(path, root),
            model.TryGetProperty("ignore_merges", out var ignore) && ignore.ValueKind == JsonValueKind.True);
    }

    private static JsonDocument Parse(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonDocument.Parse(stream);
        }
        catch (JsonException e)
        {
            throw Error(path, $"is not valid JSON ({e.Message})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"{path}: cannot be read: {e.Message}");
        }
    }

    private static Dictionary<string, int> ReadVocab(string path, JsonElement model)
    {
        if (!model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Object)
            throw Error(path, "model.vocab must be a non-empty object of token → id");
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in vocab.EnumerateObject())
            result[entry.Name] = entry.Value.ValueKind == JsonValueKind.Number && entry.Value.TryGetInt32(out int id) && id >= 0
                ? id
                : throw Error(path, $"model.vocab['{entry.Name}'] must be a non-negative integer id");
        return result.Count > 0 ? result : throw Error(path, "model.vocab must be a non-empty object of token → id");
    }

    /// <summary>Merges as "left right" strings; newer tokenizers write them as [left, right] pairs.</summary>
    private static List<string> ReadMerges(string path, JsonElement model)
    {
        if (!model.TryGetProperty("merges", out var merges) || merges.ValueKind != JsonValueKind.Array)
            throw Error(path, "model.merges must be an array");
        var result = new List<string>(merges.GetArrayLength());
        foreach (var merge in merges.EnumerateArray())
        {
            result.Add(merge.ValueKind switch
            {
                JsonValueKind.String => merge.GetString()!,
                JsonValueKind.Array when merge.GetArrayLength() == 2
                    && merge[0].ValueKind == JsonValueKind.String && merge[1].ValueKind == JsonValueKind.String
                    => $"{merge[0].GetString()} {merge[1].GetString()}",
                _ => throw Error(path, $"model.merges[{result.Count}] must be \"left right\" or [left, right]"),
            });
        }
        return result;
    }

    private static List<AddedToken> ReadAddedTokens(string path, JsonElement root)
    {
        if (!root.TryGetProperty("added_tokens", out var added) || added.ValueKind != JsonValueKind.Array)
            return [];
        var result = new List<AddedToken>();
        foreach (var token in added.EnumerateArray())
        {
            if (token.ValueKind != JsonValueKind.Object
                || !token.TryGetProperty("id", out var id) || !id.TryGetInt32(out int tokenId)
                || StringOf(token, "content") is not { } content)
                throw Error(path, $"added_tokens[{result.Count}] needs an integer 'id' and a string 'content'");
            bool special = token.TryGetProperty("special", out var s) && s.ValueKind == JsonValueKind.True;
            result.Add(new AddedToken(tokenId, content, special));
        }
        return result;
    }

    /// <summary>The regex of the <c>Split</c> pre-tokenizer that precedes <c>ByteLevel</c> (use_regex false).</summary>
    private static string ReadSplitPattern(string path, JsonElement root)
    {
        var steps = new List<JsonElement>();
        if (root.TryGetProperty("pre_tokenizer", out var pre) && pre.ValueKind == JsonValueKind.Object)
        {
            if (StringOf(pre, "type") == "Sequence" && pre.TryGetProperty("pretokenizers", out var list) && list.ValueKind == JsonValueKind.Array)
                steps.AddRange(list.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.Object));
            else
                steps.Add(pre);
        }
        var split = steps.FirstOrDefault(s => StringOf(s, "type") == "Split");
        bool byteLevel = steps.Any(s => StringOf(s, "type") == "ByteLevel");
        if (byteLevel && split.ValueKind == JsonValueKind.Object && split.TryGetProperty("pattern", out var pattern)
            && pattern.ValueKind == JsonValueKind.Object && StringOf(pattern, "Regex") is { } regex)
            return regex;
        throw Error(path,
            "pre_tokenizer must be a Sequence of Split (with a Regex pattern) and ByteLevel, as Llama 3 and Llama 4 tokenizers have");
    }

    private static string? StringOf(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static CheckpointException Error(string path, string problem) =>
        new($"{path}: {problem}; use the tokenizer.json that ships with the model.");
}
