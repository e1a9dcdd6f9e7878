using System.Text.Json.Nodes;

namespace LlmOperator.Operator.Reconciliation.Converge;

/// <summary>
/// Compares and merges the JSON of a desired object with what the API server holds. The server adds defaults
/// (imagePullPolicy, clusterIP, protocol, ...) and other controllers add fields of their own, so "equal" means:
/// every field the operator sets has the value it wants; fields it does not set are not its business.
/// </summary>
public static class JsonSubset
{
    /// <summary>True when every value in <paramref name="desired"/> is present and equal in <paramref name="actual"/>.</summary>
    public static bool Contains(JsonNode? actual, JsonNode? desired) => desired switch
    {
        null => true,
        JsonObject wanted => actual is JsonObject have && wanted.All(p => p.Value is null || (have.TryGetPropertyValue(p.Key, out var v) && Contains(v, p.Value))),
        JsonArray wanted => actual is JsonArray have && have.Count == wanted.Count && wanted.Select((w, i) => Contains(have[i], w)).All(x => x),
        JsonValue wanted => actual is JsonValue have && ScalarEquals(have, wanted),
        _ => false,
    };

    /// <summary>
    /// <paramref name="desired"/> laid over <paramref name="actual"/>: objects merge key by key, arrays and scalars
    /// are replaced, fields only the server or others set are kept (a Service's clusterIP, a Deployment's status).
    /// </summary>
    public static JsonNode Overlay(JsonNode actual, JsonNode desired)
    {
        if (actual is not JsonObject have || desired is not JsonObject wanted) return desired.DeepClone();
        var result = (JsonObject)have.DeepClone();
        foreach (var (key, value) in wanted)
        {
            if (value is null) continue;
            result[key] = result[key] is { } existing ? Overlay(existing, value) : value.DeepClone();
        }
        return result;
    }

    private static bool ScalarEquals(JsonValue actual, JsonValue desired)
    {
        if (actual.TryGetValue<decimal>(out var a) && desired.TryGetValue<decimal>(out var d)) return a == d;
        return actual.ToJsonString() == desired.ToJsonString();
    }
}
