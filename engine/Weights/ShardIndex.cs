using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmOperator.Engine.Weights;

/// <summary>
/// <c>model.safetensors.index.json</c>: <c>{"metadata": {"total_size": N}, "weight_map": {tensor: shard file}}</c>,
/// as transformers' <c>save_pretrained</c> writes it for a sharded checkpoint.
/// </summary>
public static class ShardIndex
{
    public const string FileName = "model.safetensors.index.json";

    /// <summary>transformers' shard naming: <c>model-00001-of-00003.safetensors</c>.</summary>
    public static string ShardFileName(int number, int count) => $"model-{number:D5}-of-{count:D5}.safetensors";

    /// <summary>Reads the weight map; every shard it names must be a plain file name that exists beside the index.</summary>
    public static IReadOnlyDictionary<string, string> Read(string indexPath)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(indexPath)) as JsonObject
                ?? throw new CheckpointException($"{indexPath}: must be a JSON object with a 'weight_map'.");
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"{indexPath}: is not valid JSON ({e.Message}); re-download the checkpoint's index.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"{indexPath}: cannot be read: {e.Message}");
        }
        if (root["weight_map"] is not JsonObject map || map.Count == 0)
            throw new CheckpointException($"{indexPath}: has no 'weight_map' object naming each tensor's shard.");
        var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
        string directory = Path.GetDirectoryName(Path.GetFullPath(indexPath))!;
        foreach (var (tensor, value) in map)
        {
            string shard = value is JsonValue v && v.TryGetValue(out string? s) && s.Length > 0
                ? s
                : throw new CheckpointException($"{indexPath}: weight_map entry for tensor '{tensor}' must be a shard file name.");
            // A shard is a file beside the index; a path would let a checkpoint read outside its directory.
            if (shard != Path.GetFileName(shard) || shard is "." or "..")
                throw new CheckpointException($"{indexPath}: tensor '{tensor}' maps to '{shard}', which is not a plain file name.");
            if (!File.Exists(Path.Combine(directory, shard)))
                throw new CheckpointException(
                    $"{indexPath}: tensor '{tensor}' is in shard '{shard}', but {Path.Combine(directory, shard)} does not exist; " +
                    "copy every shard the index lists.");
            weightMap[tensor] = shard;
        }
        return weightMap;
    }

    public static void Write(string indexPath, IReadOnlyDictionary<string, string> weightMap, long totalSize)
    {
        var map = new JsonObject();
        foreach (var (tensor, shard) in weightMap.OrderBy(p => p.Key, StringComparer.Ordinal))
            map[tensor] = shard;
        var root = new JsonObject
        {
            ["metadata"] = new JsonObject { ["total_size"] = totalSize },
            ["weight_map"] = map,
        };
        File.WriteAllText(indexPath, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}
