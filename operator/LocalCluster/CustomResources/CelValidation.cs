using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cel;

namespace LlmOperator.LocalCluster.CustomResources;

/// <summary>
/// A CRD's <c>x-kubernetes-validations</c> rules, evaluated with the Cel package (the library and approach of
/// operator/Validation/CelRules.cs): at each schema node that has rules, <c>self</c> is the node's value, typed by
/// the schema, and <c>oldSelf</c> the same node of the stored object on updates. Transition rules (those naming
/// oldSelf) run only when there is an old value, as in kube-apiserver. Rules the library cannot compile are
/// skipped; <see cref="CompileProblems"/> reports them when the CRD is applied.
/// </summary>
public static partial class CelValidation
{
    private static readonly object CompileGate = new();
    private static readonly CelEnvironment Cel = new(null, null);
    private static readonly ConcurrentDictionary<string, (CelProgramDelegate? Program, string? Error)> Programs = new();

    public static IReadOnlyList<FieldError> Validate(JsonObject obj, JsonObject? old, JsonObject schema)
    {
        var errors = new List<FieldError>();
        Walk(obj, old, schema, "", errors);
        return errors;
    }

    /// <summary>"path: rule: why" for every rule of the schema the library cannot compile.</summary>
    public static IReadOnlyList<string> CompileProblems(JsonObject schema, string path = "")
    {
        var problems = new List<string>();
        foreach (var rule in Rules(schema))
        {
            if (Compile(rule.Rule).Error is { } error) problems.Add($"{(path.Length == 0 ? "<root>" : path)}: rule \"{rule.Rule}\": {error}");
        }

        foreach (var (name, child) in Schema.Properties(schema) ?? [])
        {
            if (child is JsonObject childSchema) problems.AddRange(CompileProblems(childSchema, Schema.Join(path, name)));
        }

        if (Schema.Items(schema) is { } items) problems.AddRange(CompileProblems(items, path + "[*]"));
        if (Schema.AdditionalProperties(schema) is { } values) problems.AddRange(CompileProblems(values, path + "[*]"));
        return problems;
    }

    private static void Walk(JsonNode? value, JsonNode? old, JsonObject schema, string path, List<FieldError> errors)
    {
        if (value is null) return;
        foreach (var rule in Rules(schema)) Check(rule, value, old, schema, path, errors);
        switch (value)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    var declared = Schema.Property(schema, key);
                    if ((declared ?? Schema.AdditionalProperties(schema)) is { } childSchema)
                    {
                        Walk(child, (old as JsonObject)?[key], childSchema, Schema.Join(path, key, mapKey: declared is null), errors);
                    }
                }

                break;
            case JsonArray array when Schema.Items(schema) is { } items:
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(array[i], CorrelatedItem(array[i], old as JsonArray, schema), items, $"{path}[{i}]", errors);
                }

                break;
        }
    }

    private static void Check(ValidationRule rule, JsonNode value, JsonNode? old, JsonObject schema, string path, List<FieldError> errors)
    {
        var transition = OldSelfPattern().IsMatch(rule.Rule);
        if (transition && old is null) return;
        var (program, compileError) = Compile(rule.Rule);
        if (program is null || compileError is not null) return;

        var variables = new Dictionary<string, object?> { ["self"] = ToCel(value, schema) };
        if (transition) variables["oldSelf"] = ToCel(old, schema);
        var field = path + (rule.FieldPath ?? "");
        var typeName = JsonValue.Create(Schema.Type(schema) ?? Schema.TypeOf(value));
        try
        {
            if (program(variables) is true) return;
            errors.Add(Failure(rule, field, typeName, Message(rule, variables)));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The Cel library reports missing keys and type mismatches with its own exception types.
            errors.Add(new FieldError(FieldErrorType.Invalid, field, typeName, $"rule \"{rule.Rule}\" could not be evaluated: {e.Message}"));
        }
    }

    /// <summary>Like kube-apiserver's fieldErrorForReason: the rule's reason picks the error type.</summary>
    private static FieldError Failure(ValidationRule rule, string field, JsonNode typeName, string message) => rule.Reason switch
    {
        "FieldValueForbidden" => new FieldError(FieldErrorType.Forbidden, field, null, message),
        "FieldValueRequired" => new FieldError(FieldErrorType.Required, field, null, message),
        "FieldValueDuplicate" => new FieldError(FieldErrorType.Duplicate, field, typeName, message),
        _ => new FieldError(FieldErrorType.Invalid, field, typeName, message),
    };

    /// <summary>messageExpression when it evaluates to a non-empty string, else message, else "failed rule: RULE".</summary>
    private static string Message(ValidationRule rule, Dictionary<string, object?> variables)
    {
        if (rule.MessageExpression is { } expression && Compile(expression).Program is { } program)
        {
            try
            {
                if (program(variables) is string { Length: > 0 } text) return text;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // kube-apiserver also falls back to the static message when messageExpression fails.
            }
        }

        return rule.Message is { Length: > 0 } message ? message : $"failed rule: {rule.Rule.Trim()}";
    }

    private static (CelProgramDelegate? Program, string? Error) Compile(string expression) =>
        Programs.GetOrAdd(expression, e =>
        {
            lock (CompileGate)
            {
                try
                {
                    return (Cel.Compile(e), null);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    return (null, ex.Message);
                }
            }
        });

    /// <summary>The old element for a list-type=map element (same key values); other lists are atomic: none.</summary>
    private static JsonNode? CorrelatedItem(JsonNode? item, JsonArray? old, JsonObject schema)
    {
        var keys = (schema["x-kubernetes-list-map-keys"] as JsonArray ?? []).Select(k => (string?)k ?? "").ToList();
        if (old is null || (string?)schema["x-kubernetes-list-type"] != "map" || keys.Count == 0) return null;
        return old.FirstOrDefault(o => keys.All(k => JsonNode.DeepEquals((o as JsonObject)?[k], (item as JsonObject)?[k])));
    }

    private static IEnumerable<ValidationRule> Rules(JsonObject schema) =>
        (schema["x-kubernetes-validations"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(r => r["rule"] is not null)
            .Select(r => new ValidationRule((string)r["rule"]!, (string?)r["message"], (string?)r["messageExpression"],
                (string?)r["fieldPath"], (string?)r["reason"]));

    /// <summary>JSON as CEL values typed by the schema: maps, lists, int (long), double, string, bool, null.</summary>
    private static object? ToCel(JsonNode? node, JsonObject? schema) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(kv => kv.Key, kv => ToCel(kv.Value, schema is null ? null : Schema.Child(schema, kv.Key))),
        JsonArray a => a.Select(item => ToCel(item, schema is null ? null : Schema.Items(schema))).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when schema is not null && Schema.Type(schema) == "number" => Storage.JsonRead.Number(v),
            JsonValueKind.Number when Schema.IsIntegral(v) => (long)Storage.JsonRead.Number(v),
            JsonValueKind.Number => Storage.JsonRead.Number(v),
            _ => null,
        },
        _ => null,
    };

    /// <summary>A rule naming oldSelf is a transition rule (an identifier match, as kube's compiler reports it).</summary>
    [GeneratedRegex(@"\boldSelf\b")]
    private static partial Regex OldSelfPattern();

    private sealed record ValidationRule(string Rule, string? Message, string? MessageExpression, string? FieldPath, string? Reason);
}
