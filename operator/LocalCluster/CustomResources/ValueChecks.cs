using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.CustomResources;

/// <summary>The value checks of <see cref="SchemaValidator"/>, one method per OpenAPI keyword family.</summary>
internal static class ValueChecks
{
    /// <summary>CRD patterns come from users: bound the time a pathological one may take.</summary>
    private static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(200);

    public static void Enum(JsonNode value, JsonObject schema, string path, List<FieldError> errors)
    {
        if (schema["enum"] is not JsonArray allowed || allowed.Count == 0) return;
        if (allowed.Any(a => SameValue(a, value))) return;
        var supported = string.Join(", ", allowed.Select(a => a is null ? "\"null\"" : JsonSerializer.Serialize(Text(a))));
        errors.Add(new FieldError(FieldErrorType.NotSupported, path, value, $"supported values: {supported}"));
    }

    public static void Scalar(JsonNode value, JsonObject schema, string path, List<FieldError> errors)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.Number:
                Number(JsonRead.Number(value), value, schema, path, errors);
                break;
            case JsonValueKind.String:
                String(value.GetValue<string>(), value, schema, path, errors);
                break;
        }
    }

    /// <summary>uniqueItems, and x-kubernetes-list-type set (unique values) or map (unique key tuples).</summary>
    public static void Uniqueness(JsonArray array, JsonObject schema, string path, List<FieldError> errors)
    {
        var listType = (string?)schema["x-kubernetes-list-type"];
        var keys = (schema["x-kubernetes-list-map-keys"] as JsonArray ?? []).Select(k => (string?)k ?? "").ToList();
        if (listType == "map" && keys.Count > 0)
        {
            var seen = new HashSet<string>();
            for (var i = 0; i < array.Count; i++)
            {
                var tuple = new JsonObject(keys.Select(k => KeyValuePair.Create(k, (array[i] as JsonObject)?[k]?.DeepClone())));
                if (!seen.Add(tuple.ToJsonString())) errors.Add(new FieldError(FieldErrorType.Duplicate, $"{path}[{i}]", tuple, ""));
            }
        }
        else if (listType == "set" || Schema.Flag(schema, "uniqueItems"))
        {
            for (var i = 1; i < array.Count; i++)
            {
                if (array.Take(i).Any(earlier => SameValue(earlier, array[i])))
                {
                    errors.Add(new FieldError(FieldErrorType.Duplicate, $"{path}[{i}]", array[i]?.DeepClone(), ""));
                }
            }
        }
    }

    /// <summary>allOf / anyOf / oneOf / not: value validations only (structural schemas declare no types there).</summary>
    public static void Combinators(JsonNode value, JsonObject schema, string path, List<FieldError> errors,
        Action<JsonNode?, JsonObject, string, List<FieldError>> validate)
    {
        int Failures(JsonObject sub)
        {
            var found = new List<FieldError>();
            validate(value, sub, path, found);
            return found.Count;
        }

        foreach (var sub in (schema["allOf"] as JsonArray ?? []).OfType<JsonObject>()) validate(value, sub, path, errors);
        if (schema["anyOf"] is JsonArray anyOf && anyOf.Count > 0 && !anyOf.OfType<JsonObject>().Any(s => Failures(s) == 0))
        {
            errors.Add(new FieldError(FieldErrorType.Invalid, path, value, $"{SchemaValidator.InBody(path)} must validate at least one schema (anyOf)"));
        }

        if (schema["oneOf"] is JsonArray oneOf && oneOf.Count > 0 && oneOf.OfType<JsonObject>().Count(s => Failures(s) == 0) != 1)
        {
            errors.Add(new FieldError(FieldErrorType.Invalid, path, value, $"{SchemaValidator.InBody(path)} must validate one and only one schema (oneOf)"));
        }

        if (schema["not"] is JsonObject not && Failures(not) == 0)
        {
            errors.Add(new FieldError(FieldErrorType.Invalid, path, value, $"{SchemaValidator.InBody(path)} must not validate the schema (not)"));
        }
    }

    private static void Number(double number, JsonNode value, JsonObject schema, string path, List<FieldError> errors)
    {
        var subject = SchemaValidator.InBody(path);
        if (schema["minimum"] is { } minNode)
        {
            var min = JsonRead.Number(minNode);
            var exclusive = Schema.Flag(schema, "exclusiveMinimum");
            if (number < min || (exclusive && number == min))
            {
                errors.Add(new FieldError(FieldErrorType.Invalid, path, value, exclusive
                    ? $"{subject} should be greater than {Format(min)}" : $"{subject} should be greater than or equal to {Format(min)}"));
            }
        }

        if (schema["maximum"] is { } maxNode)
        {
            var max = JsonRead.Number(maxNode);
            var exclusive = Schema.Flag(schema, "exclusiveMaximum");
            if (number > max || (exclusive && number == max))
            {
                errors.Add(new FieldError(FieldErrorType.Invalid, path, value, exclusive
                    ? $"{subject} should be less than {Format(max)}" : $"{subject} should be less than or equal to {Format(max)}"));
            }
        }

        if (schema["multipleOf"] is { } multipleNode && JsonRead.Number(multipleNode) is var factor and > 0 &&
            Math.Abs(Math.IEEERemainder(number, factor)) > 1e-9)
        {
            errors.Add(new FieldError(FieldErrorType.Invalid, path, value, $"{subject} should be a multiple of {Format(factor)}"));
        }
    }

    private static void String(string text, JsonNode value, JsonObject schema, string path, List<FieldError> errors)
    {
        var subject = SchemaValidator.InBody(path);
        var length = text.Length;
        if (schema["maxLength"] is { } maxLength && length > Schema.Limit(maxLength))
        {
            errors.Add(new FieldError(FieldErrorType.TooLong, path, value, $"may not be more than {Schema.Limit(maxLength)} bytes"));
        }

        if (schema["minLength"] is { } minLength && length < Schema.Limit(minLength))
        {
            errors.Add(new FieldError(FieldErrorType.Invalid, path, value, $"{subject} should be at least {Schema.Limit(minLength)} chars long"));
        }

        if ((string?)schema["pattern"] is { } pattern && !Matches(text, pattern))
        {
            errors.Add(new FieldError(FieldErrorType.Invalid, path, value, $"{subject} should match '{pattern}'"));
        }

        if ((string?)schema["format"] is { } format && !FormatHolds(format, text))
        {
            errors.Add(new FieldError(FieldErrorType.Invalid, path, value, $"{subject} must be of type {format}: {JsonSerializer.Serialize(text)}"));
        }
    }

    private static bool Matches(string text, string pattern)
    {
        try
        {
            return Regex.IsMatch(text, pattern, RegexOptions.None, PatternTimeout);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    /// <summary>The string formats kube-openapi checks that CRDs commonly use; other formats are annotations only.</summary>
    private static bool FormatHolds(string format, string text) => format switch
    {
        "date-time" => DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFFFK"],
            CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "date" => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "uuid" => Guid.TryParseExact(text, "D", out _),
        "ipv4" => IPAddress.TryParse(text, out var v4) && v4.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && text.Count(c => c == '.') == 3,
        "ipv6" => IPAddress.TryParse(text, out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6,
        "byte" => text.Length % 4 == 0 && Convert.TryFromBase64String(text, new byte[text.Length], out _),
        _ => true,
    };

    private static bool SameValue(JsonNode? a, JsonNode? b) =>
        a is JsonValue && b is JsonValue && a.GetValueKind() == JsonValueKind.Number && b.GetValueKind() == JsonValueKind.Number
            ? JsonRead.Number(a) == JsonRead.Number(b)
            : JsonNode.DeepEquals(a, b);

    private static string Text(JsonNode value) =>
        value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();

    /// <summary>Bounds as Go's %v prints a float64: 64, 0.5.</summary>
    private static string Format(double bound) => bound.ToString(CultureInfo.InvariantCulture);
}
