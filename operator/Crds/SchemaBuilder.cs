using System.Collections;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json.Serialization;
using k8s.Models;
using LlmOperator.Operator.Entities;

namespace LlmOperator.Operator.Crds;

/// <summary>
/// Builds a structural OpenAPI v3 schema from the API's C# types: every property typed, described, bounded by its
/// data annotations, defaulted, and with its CEL rules. The C# types are the single source of the CRD.
/// </summary>
internal static class SchemaBuilder
{
    public static V1JSONSchemaProps For(Type type) => Object(type);

    private static V1JSONSchemaProps Object(Type type)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonPropertyNameAttribute>() is not null)
            .ToList();
        var schema = new V1JSONSchemaProps
        {
            Type = "object",
            Description = type.GetCustomAttribute<DescriptionAttribute>()?.Description,
            Properties = properties.ToDictionary(JsonName, Property),
            XKubernetesValidations = CelRules(type.GetCustomAttributes<CelRuleAttribute>()),
        };
        var required = properties.Where(p => p.GetCustomAttribute<RequiredAttribute>() is not null).Select(JsonName).ToList();
        if (required.Count > 0) schema.Required = required;
        return schema;
    }

    private static string JsonName(PropertyInfo p) => p.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name;

    private static V1JSONSchemaProps Property(PropertyInfo p)
    {
        var schema = p.GetCustomAttribute<IntOrStringAttribute>() is not null
            ? new V1JSONSchemaProps { XKubernetesIntOrString = true }
            : ForType(p.PropertyType);
        schema.Description = p.GetCustomAttribute<DescriptionAttribute>()?.Description ?? schema.Description;
        schema.DefaultProperty = p.GetCustomAttribute<DefaultValueAttribute>()?.Value;
        schema.Format = p.GetCustomAttribute<FormatAttribute>()?.Format ?? schema.Format;
        ApplyBounds(p, schema);
        if (p.GetCustomAttribute<ListMapKeysAttribute>() is { } keys)
        {
            schema.XKubernetesListType = "map";
            schema.XKubernetesListMapKeys = keys.Keys;
        }
        var rules = CelRules(p.GetCustomAttributes<CelRuleAttribute>());
        if (rules is not null) schema.XKubernetesValidations = rules;
        return schema;
    }

    private static V1JSONSchemaProps ForType(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return new V1JSONSchemaProps { Type = "string" };
        if (type == typeof(int)) return new V1JSONSchemaProps { Type = "integer", Format = "int32" };
        if (type == typeof(long)) return new V1JSONSchemaProps { Type = "integer", Format = "int64" };
        if (type == typeof(double)) return new V1JSONSchemaProps { Type = "number", Format = "double" };
        if (type == typeof(bool)) return new V1JSONSchemaProps { Type = "boolean" };
        if (type == typeof(DateTime)) return new V1JSONSchemaProps { Type = "string", Format = "date-time" };
        if (type.IsEnum) return new V1JSONSchemaProps { Type = "string", EnumProperty = EnumNames(type) };
        if (type == typeof(V1Condition)) return ConditionSchema.Build();
        if (type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type) && type.IsGenericType)
            return new V1JSONSchemaProps { Type = "array", Items = ForType(type.GetGenericArguments()[0]) };
        if (type.IsClass) return Object(type);
        throw new NotSupportedException($"No OpenAPI mapping for {type.FullName}.");
    }

    private static List<object> EnumNames(Type enumType) => enumType.GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (object)(f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name))
        .ToList();

    private static void ApplyBounds(PropertyInfo p, V1JSONSchemaProps schema)
    {
        if (p.GetCustomAttribute<RangeAttribute>() is { } range)
        {
            schema.Minimum = Convert.ToDouble(range.Minimum);
            schema.Maximum = Convert.ToDouble(range.Maximum);
            if (range.MinimumIsExclusive) schema.ExclusiveMinimum = true;
            if (range.MaximumIsExclusive) schema.ExclusiveMaximum = true;
        }
        bool isArray = schema.Type == "array";
        if (p.GetCustomAttribute<MinLengthAttribute>() is { } min)
        {
            if (isArray) schema.MinItems = min.Length; else schema.MinLength = min.Length;
        }
        if (p.GetCustomAttribute<MaxLengthAttribute>() is { } max)
        {
            if (isArray) schema.MaxItems = max.Length; else schema.MaxLength = max.Length;
        }
        if (p.GetCustomAttribute<RegularExpressionAttribute>() is { } regex) schema.Pattern = regex.Pattern;
        if (p.GetCustomAttribute<AllowedValuesAttribute>() is { } allowed) schema.EnumProperty = allowed.Values.ToList()!;
    }

    private static List<V1ValidationRule>? CelRules(IEnumerable<CelRuleAttribute> attributes)
    {
        var rules = attributes.Select(a => new V1ValidationRule { Rule = a.Rule, FieldPath = a.FieldPath, Message = a.Message }).ToList();
        return rules.Count == 0 ? null : rules;
    }
}
