using System.Text.Json;
using System.Text.Json.Nodes;
using LlmOperator.Rules.Architecture;

namespace LlmOperator.Engine.Weights;

/// <summary>
/// The checkpoint's <c>config.json</c>, checked before any weight is touched: its <c>architectures</c> must name a
/// class the engine implements, and the rules library must understand its fields.
/// </summary>
public sealed record CheckpointConfig(string Path, string ArchitectureClass, ModelArchitecture Architecture)
{
    public const string FileName = "config.json";

    /// <summary>The transformers classes whose tensors the engine knows.</summary>
    public static readonly IReadOnlyList<string> SupportedClasses =
        ["LlamaForCausalLM", "Llama4ForCausalLM", "Llama4ForConditionalGeneration"];

    /// <summary>Reads <c>directory/config.json</c>; null when the directory has none.</summary>
    public static CheckpointConfig? TryRead(string directory)
    {
        string path = System.IO.Path.Combine(directory, FileName);
        if (!File.Exists(path))
            return null;
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"{path}: cannot be read: {e.Message}");
        }
        string architectureClass = ArchitectureClassOf(path, json);
        try
        {
            return new CheckpointConfig(path, architectureClass, HuggingFaceConfigReader.Read(json, directory, path));
        }
        catch (ModelConfigException e)
        {
            throw new CheckpointException(e.Message);
        }
    }

    private static string ArchitectureClassOf(string path, string json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"{path}: is not valid JSON: {e.Message}");
        }
        if (root is not JsonObject config)
            throw new CheckpointException($"{path}: must be a JSON object.");
        string[] named = config["architectures"] is JsonArray array
            ? array.Select(n => n is JsonValue v && v.TryGetValue(out string? s) ? s : "").ToArray()
            : [];
        if (named.Length == 0)
            throw new CheckpointException(
                $"{path}: 'architectures' is missing or empty; set it to one of {string.Join(", ", SupportedClasses)}.");
        return named.FirstOrDefault(SupportedClasses.Contains) ?? throw new CheckpointException(
            $"{path}: architecture '{string.Join(", ", named)}' is not supported; the engine runs {string.Join(", ", SupportedClasses)}.");
    }
}
