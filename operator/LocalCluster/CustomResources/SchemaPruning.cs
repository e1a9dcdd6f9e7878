using System.Text.Json.Nodes;

namespace LlmOperator.LocalCluster.CustomResources;

/// <summary>
/// Structural pruning and defaulting, in kube-apiserver's order: unknown fields and nulls the schema does
/// not allow are dropped, then absent fields get their schema <c>default</c> (and their children theirs).
/// </summary>
public static class SchemaPruning
{
    private static readonly string[] ResourceFields = ["apiVersion", "kind", "metadata"];

    /// <summary>
    /// Removes fields the schema does not declare (unless x-kubernetes-preserve-unknown-fields) and nulls in
    /// non-nullable fields. Returns the paths of the removed unknown fields ("spec.bogus"), for warnings
    /// and strict field validation.
    /// </summary>
    public static IReadOnlyList<string> Prune(JsonObject obj, JsonObject schema)
    {
        var pruned = new List<string>();
        PruneObject(obj, schema, "", pruned, isResource: true);
        return pruned;
    }

    /// <summary>Sets every absent (or null, when not nullable) field that has a schema default, recursively.</summary>
    public static void ApplyDefaults(JsonNode? node, JsonObject schema)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in Schema.Properties(schema) ?? [])
                {
                    if (value is JsonObject property && property["default"] is { } fallback &&
                        (!obj.TryGetPropertyValue(name, out var current) || (current is null && !Schema.Nullable(property))))
                    {
                        obj[name] = fallback.DeepClone();
                    }
                }

                foreach (var (key, child) in obj.ToList())
                {
                    if (Schema.Child(schema, key) is { } childSchema) ApplyDefaults(child, childSchema);
                }

                break;
            case JsonArray array when Schema.Items(schema) is { } items:
                foreach (var item in array) ApplyDefaults(item, items);
                break;
        }
    }

    private static void PruneNode(JsonNode? node, JsonObject schema, string path, List<string> pruned)
    {
        switch (node)
        {
            case JsonObject obj:
                PruneObject(obj, schema, path, pruned, Schema.EmbeddedResource(schema));
                break;
            case JsonArray array when Schema.Items(schema) is { } items:
                for (var i = 0; i < array.Count; i++) PruneNode(array[i], items, $"{path}[{i}]", pruned);
                break;
        }
    }

    private static void PruneObject(JsonObject obj, JsonObject schema, string path, List<string> pruned, bool isResource)
    {
        var preserve = Schema.PreservesUnknownFields(schema);
        foreach (var (key, value) in obj.ToList())
        {
            // apiVersion, kind and metadata of a resource are the API server's, not the schema's.
            if (isResource && ResourceFields.Contains(key)) continue;
            var childSchema = Schema.Child(schema, key);
            var childPath = Schema.Join(path, key, mapKey: Schema.Property(schema, key) is null && childSchema is not null);
            if (childSchema is null)
            {
                if (preserve) continue;
                obj.Remove(key);
                pruned.Add(childPath);
            }
            else if (value is null && !Schema.Nullable(childSchema))
            {
                obj.Remove(key);
            }
            else
            {
                PruneNode(value, childSchema, childPath, pruned);
            }
        }
    }
}
