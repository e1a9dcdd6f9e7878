using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace LlmOperator.Operator.Entities;

/// <summary>Failure classes the operator tells apart in engine pods.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FailureClassName>))]
public enum FailureClassName
{
    GpuAssertion,
    GpuOutOfMemory,
    GpuHardware,
    CrashLoop,
    ReadinessTimeout,
}

[Description("Rollout and automatic rollback policy.")]
public sealed class RolloutSpec
{
    [JsonPropertyName("maxSurge")]
    [IntOrString]
    [DefaultValue(0)]
    [Description("Extra pods during a rollout (number or percentage). GPUs are scarce, so the default is 0.")]
    public k8s.Models.IntOrString? MaxSurge { get; set; }

    [JsonPropertyName("maxUnavailable")]
    [IntOrString]
    [DefaultValue(1)]
    [Description("Pods that may be unavailable during a rollout (number or percentage).")]
    public k8s.Models.IntOrString? MaxUnavailable { get; set; }

    [JsonPropertyName("progressDeadlineSeconds")]
    [Range(30, 86400)]
    [DefaultValue(1800)]
    [Description("Seconds a rollout may make no progress before it is reported Stalled (model loads are slow).")]
    public int ProgressDeadlineSeconds { get; set; } = 1800;

    [JsonPropertyName("minReadySeconds")]
    [Range(0, 3600)]
    [DefaultValue(0)]
    [Description("Seconds every pod of a revision must stay Ready before the revision counts as good.")]
    public int MinReadySeconds { get; set; }

    [JsonPropertyName("revisionHistoryLimit")]
    [Range(1, 100)]
    [DefaultValue(10)]
    [Description("Revisions kept for rollback.")]
    public int RevisionHistoryLimit { get; set; } = 10;

    [JsonPropertyName("rollbackOn")]
    [MaxLength(5)]
    [DefaultValue(new[] { "GpuAssertion" })]
    [Description("Failure classes that roll a revision back automatically (default: GpuAssertion).")]
    public List<FailureClassName> RollbackOn { get; set; } = [FailureClassName.GpuAssertion];

    [JsonPropertyName("failureThreshold")]
    [Range(1, 100)]
    [DefaultValue(1)]
    [Description("Failures of a listed class in the current revision's pods that trigger the rollback.")]
    public int FailureThreshold { get; set; } = 1;
}
