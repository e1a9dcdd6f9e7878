using System.Text.Json;
using System.Text.Json.Nodes;
using LlmOperator.Engine.Weights;

namespace LlmOperator.Engine.Tokenization;

/// <summary>An added token of tokenizer.json (<c>added_tokens[]</c>): matched whole in the text before BPE.</summary>
public sealed record AddedToken(int Id, string Content, bool Special);

/// <summary>
/// The parts of a Hugging Face <c>tokenizer.json</c> a byte-level BPE tokenizer needs, checked for the shape
/// Llama 3 and Llama 4 ship: <c>model.type</c> BPE with vocab and merges, a <c>Split</c> regex pre-tokenizer
/// followed by <c>ByteLevel</c>, and the added (special) tokens.
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
        JsonObject root = ParseObject(path);
        if (root["model"] is not JsonObject model)
            throw Error(path, "has no 'model' object");
        string type = model["type"]?.GetValueKind() == JsonValueKind.String ? model["type"]!.GetValue<string>() : "";
        if (type != "BPE")
            throw Error(path, $"model.type is '{type}'; the engine loads byte-level BPE tokenizers (Llama 3, Llama 4)");
        return new TokenizerJson(
            path,
            ReadVocab(path, model),
            ReadMerges(path, model),
            ReadAddedTokens(path, root),
            ReadSplitPattern(path, root),
            model["ignore_merges"]?.GetValueKind() == JsonValueKind.True);
    }

    private static JsonObject ParseObject(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw Error(path, "must be a JSON object");
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

    private static Dictionary<string, int> ReadVocab(string path, JsonObject model)
    {
        if (model["vocab"] is not JsonObject vocab || vocab.Count == 0)
            throw Error(path, "model.vocab must be a non-empty object of token → id");
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (token, id) in vocab)
            result[token] = id?.GetValueKind() == JsonValueKind.Number && id.AsValue().TryGetValue(out int value) && value >= 0
                ? value
                : throw Error(path, $"model.vocab['{token}'] must be a non-negative integer id");
        return result;
    }

    /// <summary>Merges as "left right" strings; newer tokenizers write them as [left, right] pairs.</summary>
    private static List<string> ReadMerges(string path, JsonObject model)
    {
        if (model["merges"] is not JsonArray merges)
            throw Error(path, "model.merges must be an array");
        return merges.Select((m, i) => m switch
        {
            JsonValue v when v.TryGetValue(out string? s) => s,
            JsonArray { Count: 2 } pair when pair[0] is JsonValue l && pair[1] is JsonValue r
                && l.TryGetValue(out string? left) && r.TryGetValue(out string? right) => $"{left} {right}",
            _ => throw Error(path, $"model.merges[{i}] must be \"left right\" or [left, right]"),
        }).ToList();
    }

    private static List<AddedToken> ReadAddedTokens(string path, JsonObject root)
    {
        if (root["added_tokens"] is not JsonArray added)
            return [];
        return added.Select((node, i) => node is JsonObject token
                && token["id"] is JsonValue id && id.TryGetValue(out int tokenId)
                && token["content"] is JsonValue content && content.TryGetValue(out string? text)
            ? new AddedToken(tokenId, text, token["special"]?.GetValueKind() == JsonValueKind.True)
            : throw Error(path, $"added_tokens[{i}] needs an integer 'id' and a string 'content'")).ToList();
    }

    /// <summary>The regex of the <c>Split</c> pre-tokenizer that precedes <c>ByteLevel</c> (use_regex false).</summary>
    private static string ReadSplitPattern(string path, JsonObject root)
    {
        var steps = root["pre_tokenizer"] switch
        {
            JsonObject { } seq when Kind(seq) == "Sequence" && seq["pretokenizers"] is JsonArray list => list.OfType<JsonObject>().ToList(),
            JsonObject single => [single],
            _ => [],
        };
        var split = steps.FirstOrDefault(s => Kind(s) == "Split");
        bool byteLevel = steps.Any(s => Kind(s) == "ByteLevel");
        if (split?["pattern"]?["Regex"] is JsonValue regex && regex.TryGetValue(out string? pattern) && byteLevel)
            return pattern;
        throw Error(path,
            "pre_tokenizer must be a Sequence of Split (with a Regex pattern) and ByteLevel, as Llama 3 and Llama 4 tokenizers have");
    }

    private static string? Kind(JsonObject step) => step["type"] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static CheckpointException Error(string path, string problem) =>
        new($"{path}: {problem}; use the tokenizer.json that ships with the model.");
}
