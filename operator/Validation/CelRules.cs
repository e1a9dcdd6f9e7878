using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cel;
using k8s.Models;

namespace LlmOperator.Operator.Validation;

/// <summary>
/// Evaluates a schema node's <c>x-kubernetes-validations</c> with a maintained CEL library (the Cel package),
/// with <c>self</c> bound to the node's defaulted value, as the API server does.
/// </summary>
public static class CelRules
{
    private static readonly CelEnvironment Cel = new(null, null);
    private static readonly ConcurrentDictionary<string, CelProgramDelegate> Compiled = new();

    /// <summary>Adds a violation for each rule of <paramref name="schema"/> that <paramref name="self"/> fails.</summary>
    public static void Check(JsonNode? self, V1JSONSchemaProps schema, string path, int line, List<SchemaViolation> violations)
    {
        foreach (var rule in schema.XKubernetesValidations ?? [])
        {
            string field = path + (rule.FieldPath ?? "");
            try
            {
                var program = Compiled.GetOrAdd(rule.Rule, r => Cel.Compile(r));
                if (program(new Dictionary<string, object?> { ["self"] = ToCel(self) }) is not true)
                    violations.Add(new(field, line, rule.Message ?? $"failed rule: {rule.Rule}", IsCelRule: true));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The Cel library reports compile and type errors with its own exception types.
                violations.Add(new(field, line, $"rule '{rule.Rule}' could not be evaluated: {e.Message}", IsCelRule: true));
            }
        }
    }

    /// <summary>JSON as CEL values: maps, lists, int (long), double, string, bool, null.</summary>
    private static object? ToCel(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(kv => kv.Key, kv => ToCel(kv.Value)),
        JsonArray a => a.Select(ToCel).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when v.TryGetValue(out long l) => l,
            JsonValueKind.Number => v.GetValue<double>(),
            _ => null,
        },
        _ => null,
    };
}
