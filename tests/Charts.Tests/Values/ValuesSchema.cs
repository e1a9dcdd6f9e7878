using System.Text.Json.Nodes;
using Json.Schema;

namespace LlmOperator.Charts.Tests.Values;

/// <summary>values.schema.json applied the way `helm install/upgrade/template` applies it: to the merged values.</summary>
internal static class ValuesSchema
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromText(File.ReadAllText(ChartFiles.Of("values.schema.json"))));

    /// <summary>Each failure as "JSON pointer: message" (e.g. "/webhook/failurePolicy: ..."); empty when valid.</summary>
    public static IReadOnlyList<string> Errors(JsonNode values)
    {
        var results = Schema.Value.Evaluate(ChartFiles.ToElement(values), new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid) return [];
        return [.. (results.Details ?? [results])
            .Where(d => !d.IsValid && d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"))
            .Distinct()];
    }

    /// <summary>
    /// <paramref name="overrides"/> merged onto <paramref name="defaults"/> like `helm -f`: maps merge key by key,
    /// anything else (lists included) replaces, and null deletes the key.
    /// </summary>
    public static JsonNode Merge(JsonNode defaults, JsonNode overrides)
    {
        if (defaults is not JsonObject target || overrides is not JsonObject source) return overrides.DeepClone();
        var merged = (JsonObject)target.DeepClone();
        foreach (var (key, value) in source)
        {
            if (value is null) merged.Remove(key);
            else merged[key] = merged[key] is { } existing ? Merge(existing, value) : value.DeepClone();
        }
        return merged;
    }
}
