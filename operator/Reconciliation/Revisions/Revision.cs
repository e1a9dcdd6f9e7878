using System.Globalization;
using System.Text.Json;
using k8s;
using k8s.Models;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Failures;
using LlmOperator.Operator.Reconciliation.DesiredState;
using LlmOperator.Operator.Reconciliation.Rollback;

namespace LlmOperator.Operator.Reconciliation.Revisions;

/// <summary>What is known about a revision: not yet proven, proven good, or failed.</summary>
public enum RevisionOutcome
{
    Pending,
    Good,
    Failed,
}

/// <summary>
/// A revision as the operator keeps it: a ControllerRevision named <c>NAME-HASH</c>, owned by the resource, whose data
/// is the pod template and whose annotations hold the outcome, why, and the spec generation it was decided at.
/// </summary>
public sealed record Revision(V1ControllerRevision Object)
{
    public const string OutcomeAnnotation = V1Alpha1ModelDeployment.Group + "/outcome";
    public const string ReasonAnnotation = V1Alpha1ModelDeployment.Group + "/outcome-reason";
    public const string MessageAnnotation = V1Alpha1ModelDeployment.Group + "/outcome-message";
    public const string GenerationAnnotation = V1Alpha1ModelDeployment.Group + "/outcome-generation";
    public const string TimeAnnotation = V1Alpha1ModelDeployment.Group + "/outcome-time";
    public const string PodAnnotation = V1Alpha1ModelDeployment.Group + "/failed-pod";
    public const string NodeAnnotation = V1Alpha1ModelDeployment.Group + "/failed-node";

    /// <summary>Failures of pods already recreated elsewhere (JSON), so that evidence outlives the pods it came from.</summary>
    public const string FailuresAnnotation = V1Alpha1ModelDeployment.Group + "/failures";

    /// <summary>Set on the revision a manual rollback put back, with the spec generation it holds for.</summary>
    public const string PinnedAnnotation = V1Alpha1ModelDeployment.Group + "/pinned-generation";

    /// <summary>The pod-template hash.</summary>
    public string Hash => Label(EngineLabels.Revision) ?? Object.Metadata.Name;

    /// <summary>Sequence number: higher is newer (bumped when an old template becomes the spec's again).</summary>
    public long Number => Object.Revision ?? 0;

    public RevisionOutcome Outcome => Enum.TryParse<RevisionOutcome>(Annotation(OutcomeAnnotation), out var outcome) ? outcome : RevisionOutcome.Pending;

    public string? Reason => Annotation(ReasonAnnotation);

    public string? Message => Annotation(MessageAnnotation);

    public string? Pod => Annotation(PodAnnotation);

    public string? Node => Annotation(NodeAnnotation);

    public long? OutcomeGeneration => Long(GenerationAnnotation);

    public long? PinnedGeneration => Long(PinnedAnnotation);

    public DateTime? OutcomeTime => DateTime.TryParse(Annotation(TimeAnnotation), CultureInfo.InvariantCulture,
        DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time) ? time : null;

    /// <summary>Failed while the spec was at <paramref name="generation"/>: not to be tried again until the spec changes.</summary>
    public bool FailedAt(long generation) => Outcome == RevisionOutcome.Failed && OutcomeGeneration == generation;

    /// <summary>Failures recorded for this attempt of the revision (pods that were deleted to be recreated elsewhere).</summary>
    public IReadOnlyList<PodFailure> FailureHistory
    {
        get
        {
            if (Annotation(FailuresAnnotation) is not { } json) return [];
            try
            {
                return JsonSerializer.Deserialize<List<RecordedFailure>>(json)?.Select(f => f.ToPodFailure()).ToList() ?? [];
            }
            catch (JsonException)
            {
                return []; // hand-edited into something else: no history rather than no reconcile
            }
        }
    }

    public V1PodTemplateSpec Template => KubernetesJson.Deserialize<V1PodTemplateSpec>(
        Object.Data is JsonElement element ? element.GetRawText() : KubernetesJson.Serialize(Object.Data));

    public static string NameFor(string resource, string hash) => $"{resource}-{hash}";

    private string? Annotation(string name) => Object.Metadata.Annotations?.TryGetValue(name, out var value) == true ? value : null;

    private string? Label(string name) => Object.Metadata.Labels?.TryGetValue(name, out var value) == true ? value : null;

    private long? Long(string name) => long.TryParse(Annotation(name), CultureInfo.InvariantCulture, out var value) ? value : null;
}

/// <summary>One failure as kept in a revision's annotation.</summary>
internal sealed record RecordedFailure(string Pod, string? Node, PodFailureClass Class, string Evidence, string Source)
{
    public static RecordedFailure From(PodFailure f) => new(f.Pod, f.Node, f.Verdict.Class, f.Verdict.Evidence, f.Verdict.Source);

    public PodFailure ToPodFailure() => new(Pod, Node, new FailureVerdict(Class, Evidence, Source));
}
