namespace LlmOperator.Operator.Entities;

/// <summary>
/// A CEL rule for the CRD's <c>x-kubernetes-validations</c> on this type or property: a cheap cross-field check the
/// API server enforces even while the admission webhook is down.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true)]
public sealed class CelRuleAttribute(string rule, string message) : Attribute
{
    public string Rule { get; } = rule;
    public string Message { get; } = message;

    /// <summary>Field path reported on failure (e.g. <c>.maxNumBatchedTokens</c>).</summary>
    public string? FieldPath { get; init; }
}

/// <summary>Marks a string property whose schema is <c>x-kubernetes-int-or-string</c> (e.g. maxSurge: 1 or "25%").</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class IntOrStringAttribute : Attribute;

/// <summary>The OpenAPI format of a string (e.g. <c>date-time</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class FormatAttribute(string format) : Attribute
{
    public string Format { get; } = format;
}

/// <summary>A list is a map keyed by these fields (<c>x-kubernetes-list-type: map</c>), as conditions are by type.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ListMapKeysAttribute(params string[] keys) : Attribute
{
    public string[] Keys { get; } = keys;
}
