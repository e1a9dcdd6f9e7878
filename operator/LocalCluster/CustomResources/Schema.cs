using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmOperator.LocalCluster.CustomResources;

/// <summary>
/// Reads of one node of a structural schema (a CRD version's openAPIV3Schema), kept as JSON so that
/// defaults, enums and every x-kubernetes-* extension reach the server exactly as the CRD wrote them.
/// </summary>
internal static class Schema
{
    public static string? Type(JsonObject schema) => (string?)schema["type"];

    public static JsonObject? Properties(JsonObject schema) => schema["properties"] as JsonObject;

    public static JsonObject? Property(JsonObject schema, string name) => Properties(schema)?[name] as JsonObject;

    public static JsonObject? Items(JsonObject schema) => schema["items"] as JsonObject;

    /// <summary>The schema of map values (additionalProperties as a schema); null when absent or a bare bool.</summary>
    public static JsonObject? AdditionalProperties(JsonObject schema) => schema["additionalProperties"] as JsonObject;

    public static bool Flag(JsonObject schema, string name) =>
        schema[name] is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    public static bool Nullable(JsonObject schema) => Flag(schema, "nullable");

    public static bool IntOrString(JsonObject schema) =>
        Flag(schema, "x-kubernetes-int-or-string") || (string?)schema["format"] == "int-or-string";

    public static bool PreservesUnknownFields(JsonObject schema) =>
        Flag(schema, "x-kubernetes-preserve-unknown-fields") ||
        schema["additionalProperties"] is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    /// <summary>An object with apiVersion, kind and metadata of its own (x-kubernetes-embedded-resource), like the root.</summary>
    public static bool EmbeddedResource(JsonObject schema) => Flag(schema, "x-kubernetes-embedded-resource");

    /// <summary>The schema for a child of an object: a declared property, else the additionalProperties schema.</summary>
    public static JsonObject? Child(JsonObject schema, string key) => Property(schema, key) ?? AdditionalProperties(schema);

    /// <summary>"spec" + "model" → "spec.model"; keys of maps are written as kube does, "labels[app]".</summary>
    public static string Join(string path, string key, bool mapKey = false) =>
        mapKey ? $"{path}[{key}]" : path.Length == 0 ? key : $"{path}.{key}";

    /// <summary>The JSON type name used in "must be of type" messages.</summary>
    public static string TypeOf(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        _ => value.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => IsIntegral(value) ? "integer" : "number",
            _ => "null",
        },
    };

    /// <summary>A count limit (maxItems, minLength...), however the CRD wrote the number (253 or 253.0).</summary>
    public static long Limit(JsonNode limit) => (long)Storage.JsonRead.Number(limit);

    public static bool IsIntegral(JsonNode number)
    {
        var d = Storage.JsonRead.Number(number);
        return Math.Floor(d) == d && !double.IsInfinity(d);
    }
}
