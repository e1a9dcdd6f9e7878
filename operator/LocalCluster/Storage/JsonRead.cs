using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmOperator.LocalCluster.Storage;

/// <summary>Null-tolerant reads from stored objects, for printers that must not fail on partial objects.</summary>
internal static class JsonRead
{
    public static JsonNode? At(JsonNode? node, params string[] path)
    {
        foreach (var key in path)
        {
            node = node is JsonObject obj ? obj[key] : null;
        }

        return node;
    }

    public static string? Str(JsonNode? node, params string[] path) =>
        At(node, path) is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static long Int(JsonNode? node, params string[] path) =>
        At(node, path) is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? (long)Number(v) : 0;

    /// <summary>
    /// A number's value whatever CLR type backs the node (parsed JSON, or a long/int/double set by code),
    /// read from its JSON text so no conversion between backing types can fail.
    /// </summary>
    public static double Number(JsonNode number) =>
        double.Parse(number.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);

    public static bool Bool(JsonNode? node, params string[] path) =>
        At(node, path) is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    public static IEnumerable<JsonObject> Objects(JsonNode? node, params string[] path) =>
        (At(node, path) as JsonArray)?.OfType<JsonObject>() ?? [];

    public static IEnumerable<KeyValuePair<string, JsonNode?>> Entries(JsonNode? node, params string[] path) =>
        At(node, path) as JsonObject ?? [];

    public static int Count(JsonNode? node, params string[] path) => At(node, path) switch
    {
        JsonObject o => o.Count,
        JsonArray a => a.Count,
        _ => 0,
    };
}
