using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LlmOperator.Charts.Tests.Values;

/// <summary>
/// Keys that the schema, values.yaml and the templates must agree on. A map that values.yaml leaves empty
/// (<c>podAnnotations: {}</c>, <c>issuerRef: {}</c>) is the user's to fill: the schema says what may go in it, and
/// values.yaml documents it in a comment, so neither side's keys below it are compared.
/// </summary>
internal static partial class ValuesKeys
{
    /// <summary>Keys (dotted paths) in values.yaml that the schema does not declare, and declared keys without a default.</summary>
    public static IReadOnlyList<string> Mismatches(JsonNode schema, JsonNode values)
    {
        var problems = new List<string>();
        Compare(schema, Resolve(schema, schema), values, "", problems);
        return problems;
    }

    /// <summary>The <c>.Values.a.b</c> paths a template refers to that values.yaml does not have.</summary>
    public static IReadOnlyList<string> MissingReferences(string template, JsonNode values) =>
        [.. ValuesReference().Matches(template).Select(m => m.Groups["path"].Value.TrimStart('.')).Distinct()
            .Where(path => !Exists(values, path.Split('.')))];

    private static void Compare(JsonNode root, JsonNode schema, JsonNode? values, string path, List<string> problems)
    {
        if (schema["properties"] is not JsonObject properties || values is not JsonObject map || map.Count == 0) return;
        foreach (var (key, _) in map)
            if (!properties.ContainsKey(key)) problems.Add($"values.yaml has {path}{key}, which values.schema.json does not declare");
        foreach (var (key, property) in properties)
        {
            if (!map.ContainsKey(key)) problems.Add($"values.schema.json declares {path}{key}, which has no default in values.yaml");
            else Compare(root, Resolve(root, property!), map[key], $"{path}{key}.", problems);
        }
    }

    /// <summary>Follows a local <c>$ref</c> such as <c>#/definitions/port</c>.</summary>
    private static JsonNode Resolve(JsonNode root, JsonNode schema)
    {
        if ((string?)schema["$ref"] is not { } reference) return schema;
        JsonNode? node = root;
        foreach (var part in reference.TrimStart('#', '/').Split('/')) node = node?[part];
        return node ?? throw new InvalidOperationException($"values.schema.json: {reference} does not resolve.");
    }

    private static bool Exists(JsonNode values, IEnumerable<string> path)
    {
        JsonNode? node = values;
        foreach (var key in path)
        {
            if (node is not JsonObject map) return false;
            if (map.Count == 0) return true; // inside a user-filled map
            if (!map.TryGetPropertyValue(key, out node)) return false;
        }
        return true;
    }

    [GeneratedRegex(@"\.Values(?<path>(\.[A-Za-z_][A-Za-z0-9_]*)+)")]
    private static partial Regex ValuesReference();
}
