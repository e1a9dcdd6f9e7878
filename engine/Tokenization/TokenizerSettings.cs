using System.Text.Json;
using System.Text.Json.Nodes;
using LlmOperator.Engine.Weights;

namespace LlmOperator.Engine.Tokenization;

/// <summary>
/// The BOS and EOS ids and the chat template, gathered as transformers and vLLM do: <c>generation_config.json</c>'s
/// <c>bos_token_id</c> / <c>eos_token_id</c> (an id or a list: Llama 3.1 and 4 stop on several), then
/// <c>tokenizer_config.json</c>'s <c>bos_token</c> / <c>eos_token</c> (a string or <c>{"content": …}</c>), resolved
/// through the tokenizer's own ids. Both files are optional.
/// </summary>
public sealed record TokenizerSettings(int? BosTokenId, IReadOnlyList<int> EosTokenIds, string? ChatTemplate)
{
    public const string TokenizerConfigFile = "tokenizer_config.json";
    public const string GenerationConfigFile = "generation_config.json";

    public static TokenizerSettings Read(string directory, Func<string, int?> idOf)
    {
        var generation = ReadObject(Path.Combine(directory, GenerationConfigFile));
        string tokenizerConfigPath = Path.Combine(directory, TokenizerConfigFile);
        var tokenizerConfig = ReadObject(tokenizerConfigPath);

        int? bos = Ids(generation, "bos_token_id", GenerationConfigFile).Cast<int?>().FirstOrDefault()
            ?? TokenId(tokenizerConfig, "bos_token", tokenizerConfigPath, idOf);
        var eos = Ids(generation, "eos_token_id", GenerationConfigFile).ToList();
        if (TokenId(tokenizerConfig, "eos_token", tokenizerConfigPath, idOf) is { } eosToken && !eos.Contains(eosToken))
            eos.Add(eosToken);
        string? template = tokenizerConfig?["chat_template"] is JsonValue t && t.TryGetValue(out string? s) ? s : null;
        return new TokenizerSettings(bos, eos, template);
    }

    private static JsonObject? ReadObject(string path)
    {
        if (!File.Exists(path))
            return null;
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new CheckpointException($"{path}: must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"{path}: is not valid JSON: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"{path}: cannot be read: {e.Message}");
        }
    }

    private static IEnumerable<int> Ids(JsonObject? config, string field, string file) => config?[field] switch
    {
        null => [],
        JsonValue v when v.TryGetValue(out int id) => [id],
        JsonArray a => a.Select(n => n is JsonValue v && v.TryGetValue(out int id)
            ? id
            : throw new CheckpointException($"{file}: '{field}' must hold integer token ids.")).ToList(),
        _ => throw new CheckpointException($"{file}: '{field}' must be a token id or a list of token ids."),
    };

    private static int? TokenId(JsonObject? config, string field, string path, Func<string, int?> idOf)
    {
        string? token = config?[field] switch
        {
            JsonValue v when v.TryGetValue(out string? s) => s,
            JsonObject o when o["content"] is JsonValue c && c.TryGetValue(out string? s) => s,
            _ => null,
        };
        if (token is null)
            return null;
        return idOf(token) ?? throw new CheckpointException(
            $"{path}: {field} '{token}' is not a token of tokenizer.json; the two files belong to different tokenizers.");
    }
}
