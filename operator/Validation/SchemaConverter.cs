using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace LlmOperator.Operator.Validation;

/// <summary>A place where a document breaks the CRD's schema, with its line.</summary>
/// <param name="IsCelRule">True for a failed <c>x-kubernetes-validations</c> rule: the document is still well-typed.</param>
public sealed record SchemaViolation(string Field, int Line, string Message, bool IsCelRule = false);

/// <summary>
/// Checks a YAML document against the CRD's OpenAPI schema the way the API server would (types, required fields,
/// enums, bounds, patterns, unknown fields under strict field validation) and converts it to JSON typed by the
/// schema, so that what passes deserializes cleanly. CEL rules are left to the API server and the rules library.
/// </summary>
public static class SchemaConverter
{
    public static JsonNode? Convert(YamlNode node, V1JSONSchemaProps schema, string path, List<SchemaViolation> violations)
    {
        if (schema.XKubernetesIntOrString == true) return IntOrString(node, path, violations);
        return schema.Type switch
        {
            "object" => node is YamlMappingNode map ? Object(map, schema, path, violations) : Wrong(node, "an object", path, violations),
            "array" => node is YamlSequenceNode seq ? Array(seq, schema, path, violations) : Wrong(node, "a list", path, violations),
            "string" or "integer" or "number" or "boolean" => node is YamlScalarNode s
                ? Scalar(s, schema, path, violations)
                : Wrong(node, "a " + schema.Type, path, violations),
            _ => Untyped(node),
        };
    }

    private static JsonNode? Object(YamlMappingNode map, V1JSONSchemaProps schema, string path, List<SchemaViolation> violations)
    {
        if (schema.Properties is null) return Untyped(map);
        var result = new JsonObject();
        foreach (var (keyNode, valueNode) in map.Children)
        {
            string key = KeyOf(keyNode);
            string child = path.Length == 0 ? key : $"{path}.{key}";
            if (!schema.Properties.TryGetValue(key, out var propertySchema))
            {
                violations.Add(new(child, Line(keyNode), $"unknown field \"{key}\"; known fields: {string.Join(", ", schema.Properties.Keys)}"));
                continue;
            }
            if (valueNode is YamlScalarNode { Value: null or "~" or "null", Style: YamlDotNet.Core.ScalarStyle.Plain }) continue;
            result[key] = Convert(valueNode, propertySchema, child, violations);
        }
        foreach (var required in schema.Required ?? [])
        {
            if (!result.ContainsKey(required) && !map.Children.ContainsKey(new YamlScalarNode(required)))
                violations.Add(new(path.Length == 0 ? required : $"{path}.{required}", Line(map), "required field is missing"));
        }
        ApplyDefaults(result, schema);
        CelRules.Check(result, schema, path, Line(map), violations);
        return result;
    }

    /// <summary>Structural defaulting, as the API server does before validation (CEL rules see defaults).</summary>
    private static void ApplyDefaults(JsonObject result, V1JSONSchemaProps schema)
    {
        foreach (var (name, property) in schema.Properties)
        {
            if (!result.ContainsKey(name) && property.DefaultProperty is { } value)
                result[name] = JsonSerializer.SerializeToNode(value);
        }
    }

    private static JsonNode Array(YamlSequenceNode seq, V1JSONSchemaProps schema, string path, List<SchemaViolation> violations)
    {
        if (schema.MaxItems is { } max && seq.Children.Count > max)
            violations.Add(new(path, Line(seq), $"has {seq.Children.Count} items; at most {max} are allowed"));
        var result = new JsonArray();
        for (int i = 0; i < seq.Children.Count; i++)
            result.Add(schema.Items is not V1JSONSchemaProps items ? Untyped(seq.Children[i]) : Convert(seq.Children[i], items, $"{path}[{i}]", violations));
        return result;
    }

    private static JsonNode? Scalar(YamlScalarNode s, V1JSONSchemaProps schema, string path, List<SchemaViolation> violations)
    {
        string text = s.Value ?? "";
        bool quoted = s.Style is YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted;
        JsonNode? value = schema.Type switch
        {
            "integer" when !quoted && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l) => JsonValue.Create(l),
            "number" when !quoted && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => JsonValue.Create(d),
            "boolean" when !quoted && text is "true" or "false" => JsonValue.Create(text == "true"),
            "string" => JsonValue.Create(text),
            _ => null,
        };
        if (value is null)
            return Wrong(s, schema.Type == "integer" ? "an integer" : "a " + schema.Type, path, violations);
        CheckBounds(s, text, schema, path, violations);
        return value;
    }

    private static void CheckBounds(YamlScalarNode s, string text, V1JSONSchemaProps schema, string path, List<SchemaViolation> violations)
    {
        int line = Line(s);
        if (schema.EnumProperty is { Count: > 0 } allowed && !allowed.Any(a => string.Equals(System.Convert.ToString(a, CultureInfo.InvariantCulture), text, StringComparison.Ordinal)))
            violations.Add(new(path, line, $"\"{text}\" is not one of: {string.Join(", ", allowed.Select(a => System.Convert.ToString(a, CultureInfo.InvariantCulture)))}"));
        if (schema.Type is "integer" or "number" && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
        {
            if (schema.Minimum is { } min && (v < min || (schema.ExclusiveMinimum == true && v == min)))
                violations.Add(new(path, line, $"{text} is below the minimum {(schema.ExclusiveMinimum == true ? "(exclusive) " : "")}{min}"));
            if (schema.Maximum is { } max && (v > max || (schema.ExclusiveMaximum == true && v == max)))
                violations.Add(new(path, line, $"{text} is above the maximum {max}"));
        }
        if (schema.Type == "string")
        {
            if (schema.MinLength is { } minLen && text.Length < minLen) violations.Add(new(path, line, $"must have at least {minLen} characters"));
            if (schema.MaxLength is { } maxLen && text.Length > maxLen) violations.Add(new(path, line, $"must have at most {maxLen} characters"));
            if (schema.Pattern is { } pattern && !Regex.IsMatch(text, pattern))
                violations.Add(new(path, line, $"\"{text}\" does not match the pattern {pattern}"));
        }
    }

    private static JsonNode? IntOrString(YamlNode node, string path, List<SchemaViolation> violations)
    {
        if (node is not YamlScalarNode s) return Wrong(node, "an integer or a string", path, violations);
        bool plain = s.Style == YamlDotNet.Core.ScalarStyle.Plain;
        return plain && int.TryParse(s.Value, out int i) ? JsonValue.Create(i) : JsonValue.Create(s.Value ?? "");
    }

    /// <summary>Free-form content (metadata): YAML's own plain-scalar typing.</summary>
    private static JsonNode? Untyped(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv => KeyValuePair.Create(KeyOf(kv.Key), Untyped(kv.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(Untyped).ToArray()),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } s when long.TryParse(s.Value, out long l) => JsonValue.Create(l),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: "true" or "false" } s => JsonValue.Create(s.Value == "true"),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: null or "null" or "~" } => null,
        YamlScalarNode s => JsonValue.Create(s.Value),
        _ => null,
    };

    private static JsonNode? Wrong(YamlNode node, string expected, string path, List<SchemaViolation> violations)
    {
        string found = node is YamlScalarNode s ? $"\"{s.Value}\"" : node.NodeType.ToString().ToLowerInvariant();
        violations.Add(new(path, Line(node), $"must be {expected}, found {found}"));
        return null;
    }

    private static string KeyOf(YamlNode key) => key is YamlScalarNode s ? s.Value ?? "" : key.ToString();

    private static int Line(YamlNode node) => (int)node.Start.Line;
}
