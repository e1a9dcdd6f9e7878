using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s.Models;

namespace LlmOperator.Operator.Entities;

[Description("Observed state of a ModelDeployment (kstatus-compatible).")]
public sealed class ModelDeploymentStatus
{
    [JsonPropertyName("observedGeneration")]
    [Description("The metadata.generation this status describes.")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("conditions")]
    [ListMapKeys("type")]
    [Description("Ready, Reconciling, Stalled (kstatus), Valid, Degraded and RolledBack.")]
    public List<V1Condition>? Conditions { get; set; }

    [JsonPropertyName("phase")]
    [Description("One word for humans: Pending, Invalid, Progressing, Ready, Degraded, RolledBack or Failed.")]
    public string? Phase { get; set; }

    [JsonPropertyName("currentRevision")]
    [Description("The revision (pod-template hash) the Deployment runs now.")]
    public string? CurrentRevision { get; set; }

    [JsonPropertyName("lastGoodRevision")]
    [Description("The newest revision whose pods all became Ready and passed the long-context probe.")]
    public string? LastGoodRevision { get; set; }

    [JsonPropertyName("revisions")]
    [Description("The revisions kept for rollback (spec.rollout.revisionHistoryLimit), newest first, with their outcome.")]
    public List<RevisionStatus>? Revisions { get; set; }

    [JsonPropertyName("failedRevisions")]
    [Description("Revisions that failed, newest first; a failed revision is not retried while the spec is unchanged.")]
    public List<FailedRevision>? FailedRevisions { get; set; }

    [JsonPropertyName("replicas")]
    [Description("Engine pods that exist.")]
    public int? Replicas { get; set; }

    [JsonPropertyName("readyReplicas")]
    [Description("Engine pods that are Ready.")]
    public int? ReadyReplicas { get; set; }

    [JsonPropertyName("endpoint")]
    [Description("The OpenAI-compatible base URL of the Service, e.g. http://name.namespace.svc:8000/v1.")]
    public string? Endpoint { get; set; }

    [JsonPropertyName("validation")]
    [Description("Findings of the rules for the observed generation.")]
    public ValidationStatus? Validation { get; set; }
}

[Description("A revision and what is known about it.")]
public sealed class RevisionStatus
{
    [JsonPropertyName("revision")]
    [Description("The revision (pod-template hash); its ControllerRevision is NAME-REVISION.")]
    public string Revision { get; set; } = "";

    [JsonPropertyName("outcome")]
    [Description("Pending (not yet proven), Good (all replicas Ready for minReadySeconds and the long-context probe answered) or Failed.")]
    public string Outcome { get; set; } = "";

    [JsonPropertyName("reason")]
    [Description("Why, in one word: e.g. Verified or GpuAssertion.")]
    public string? Reason { get; set; }
}

[Description("A revision that failed.")]
public sealed class FailedRevision
{
    [JsonPropertyName("revision")]
    [Description("The revision (pod-template hash).")]
    public string Revision { get; set; } = "";

    [JsonPropertyName("reason")]
    [Description("Failure class, e.g. GpuAssertion.")]
    public string Reason { get; set; } = "";

    [JsonPropertyName("message")]
    [Description("The failure as the pod reported it.")]
    public string? Message { get; set; }

    [JsonPropertyName("pod")]
    [Description("The pod that failed.")]
    public string? Pod { get; set; }

    [JsonPropertyName("node")]
    [Description("The node the pod ran on.")]
    public string? Node { get; set; }

    [JsonPropertyName("time")]
    [Format("date-time")]
    [Description("When the failure was observed.")]
    public DateTime? Time { get; set; }
}

[Description("What the rules found.")]
public sealed class ValidationStatus
{
    [JsonPropertyName("findings")]
    [Description("Errors, warnings and notes, each with its rule id, field, message and fix.")]
    public List<FindingStatus>? Findings { get; set; }
}

[Description("One finding of the rules.")]
public sealed class FindingStatus
{
    [JsonPropertyName("ruleId")]
    [Description("Stable rule identifier, e.g. tp-attention-heads.")]
    public string RuleId { get; set; } = "";

    [JsonPropertyName("severity")]
    [Description("Error, Warning or Info.")]
    public string Severity { get; set; } = "";

    [JsonPropertyName("field")]
    [Description("Path of the field, e.g. spec.engine.maxModelLen.")]
    public string Field { get; set; } = "";

    [JsonPropertyName("message")]
    [Description("What is wrong, with the numbers involved.")]
    public string Message { get; set; } = "";

    [JsonPropertyName("fix")]
    [Description("What to change.")]
    public string Fix { get; set; } = "";
}
