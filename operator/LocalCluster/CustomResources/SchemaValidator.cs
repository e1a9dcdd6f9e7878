using System.Text.Json.Nodes;

namespace LlmOperator.LocalCluster.CustomResources;

/// <summary>
/// OpenAPI v3 value validation of a custom resource against its CRD's structural schema, as
/// apiextensions-apiserver does it: types (incl. int-or-string and nullable), enum, bounds, lengths,
/// pattern, format, item and property counts, required, list-type set/map uniqueness, allOf/anyOf/oneOf/not.
/// Errors carry kube-apiserver's field paths and wording.
/// </summary>
public static class SchemaValidator
{
    public static IReadOnlyList<FieldError> Validate(JsonObject obj, JsonObject schema)
    {
        var errors = new List<FieldError>();
        ValidateNode(obj, schema, "", errors, isResource: true);
        return errors;
    }

    private static void ValidateNode(JsonNode? value, JsonObject schema, string path, List<FieldError> errors, bool isResource = false)
    {
        if (!CheckType(value, schema, path, errors)) return;
        if (value is null) return;
        ValueChecks.Enum(value, schema, path, errors);
        switch (value)
        {
            case JsonObject obj:
                ValidateObject(obj, schema, path, errors, isResource || Schema.EmbeddedResource(schema));
                break;
            case JsonArray array:
                ValidateArray(array, schema, path, errors);
                break;
            default:
                ValueChecks.Scalar(value, schema, path, errors);
                break;
        }

        ValueChecks.Combinators(value, schema, path, errors, (v, s, p, e) => ValidateNode(v, s, p, e));
    }

    /// <summary>False when the value has the wrong type (nothing more is checked below it).</summary>
    private static bool CheckType(JsonNode? value, JsonObject schema, string path, List<FieldError> errors)
    {
        var actual = Schema.TypeOf(value);
        if (value is null && Schema.Nullable(schema)) return true;
        string? expected;
        bool ok;
        if (Schema.IntOrString(schema))
        {
            expected = "integer,string";
            ok = actual is "integer" or "string";
        }
        else
        {
            expected = Schema.Type(schema);
            ok = expected is null || expected == actual || (expected == "number" && actual == "integer");
        }

        if (ok) return true;
        errors.Add(new FieldError(FieldErrorType.Invalid, path, JsonValue.Create(actual),
            $"{InBody(path)} must be of type {expected}: \"{actual}\""));
        return false;
    }

    private static void ValidateObject(JsonObject obj, JsonObject schema, string path, List<FieldError> errors, bool isResource)
    {
        foreach (var required in (schema["required"] as JsonArray ?? []).Select(r => (string?)r))
        {
            if (required is not null && obj[required] is null)
            {
                errors.Add(new FieldError(FieldErrorType.Required, Schema.Join(path, required), null, ""));
            }
        }

        if (schema["maxProperties"] is { } maxProperties && obj.Count > Schema.Limit(maxProperties))
        {
            errors.Add(new FieldError(FieldErrorType.TooMany, path, null, $"{obj.Count}: must have at most {Schema.Limit(maxProperties)} items"));
        }

        if (schema["minProperties"] is { } minProperties && obj.Count < Schema.Limit(minProperties))
        {
            errors.Add(new FieldError(FieldErrorType.Invalid, path, JsonValue.Create(obj.Count),
                $"{InBody(path)} should have at least {Schema.Limit(minProperties)} properties"));
        }

        foreach (var (key, child) in obj)
        {
            if (isResource && key is "apiVersion" or "kind" or "metadata") continue;
            var declared = Schema.Property(schema, key);
            if ((declared ?? Schema.AdditionalProperties(schema)) is { } childSchema)
            {
                ValidateNode(child, childSchema, Schema.Join(path, key, mapKey: declared is null), errors);
            }
        }
    }

    private static void ValidateArray(JsonArray array, JsonObject schema, string path, List<FieldError> errors)
    {
        if (schema["maxItems"] is { } maxItems && array.Count > Schema.Limit(maxItems))
        {
            errors.Add(new FieldError(FieldErrorType.TooMany, path, null, $"{array.Count}: must have at most {Schema.Limit(maxItems)} items"));
        }

        if (schema["minItems"] is { } minItems && array.Count < Schema.Limit(minItems))
        {
            errors.Add(new FieldError(FieldErrorType.Invalid, path, JsonValue.Create(array.Count),
                $"{InBody(path)} should have at least {Schema.Limit(minItems)} items"));
        }

        ValueChecks.Uniqueness(array, schema, path, errors);
        if (Schema.Items(schema) is { } items)
        {
            for (var i = 0; i < array.Count; i++) ValidateNode(array[i], items, $"{path}[{i}]", errors);
        }
    }

    /// <summary>kube-openapi's subject: "spec.replicas in body".</summary>
    internal static string InBody(string path) => $"{(path.Length == 0 ? "body" : path)} in body";
}
