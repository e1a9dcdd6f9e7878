using k8s.Models;

namespace LlmOperator.Operator.Crds;

/// <summary>The schema of metav1.Condition, as Kubernetes' own CRDs declare it (k8s.io/apimachinery types.go).</summary>
internal static class ConditionSchema
{
    public static V1JSONSchemaProps Build() => new()
    {
        Type = "object",
        Description = "A condition in the metav1.Condition shape.",
        Required = ["lastTransitionTime", "message", "reason", "status", "type"],
        Properties = new Dictionary<string, V1JSONSchemaProps>
        {
            ["type"] = new()
            {
                Type = "string", MaxLength = 316,
                Pattern = @"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$",
                Description = "Type of condition in CamelCase, e.g. Ready.",
            },
            ["status"] = new()
            {
                Type = "string", EnumProperty = ["True", "False", "Unknown"],
                Description = "Status of the condition: True, False or Unknown.",
            },
            ["observedGeneration"] = new()
            {
                Type = "integer", Format = "int64", Minimum = 0,
                Description = "The metadata.generation the condition was set for.",
            },
            ["lastTransitionTime"] = new()
            {
                Type = "string", Format = "date-time",
                Description = "When the condition last changed status.",
            },
            ["reason"] = new()
            {
                Type = "string", MinLength = 1, MaxLength = 1024, Pattern = "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$",
                Description = "Programmatic identifier of the last transition, in CamelCase.",
            },
            ["message"] = new()
            {
                Type = "string", MaxLength = 32768,
                Description = "Human-readable details of the last transition.",
            },
        },
    };
}
