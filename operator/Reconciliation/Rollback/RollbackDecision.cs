using LlmOperator.Operator.Failures;

namespace LlmOperator.Operator.Reconciliation.Rollback;

/// <summary>A failed pod of the current revision and why it failed.</summary>
public sealed record PodFailure(string Pod, string? Node, FailureVerdict Verdict);

/// <summary>What the current revision's pods show, and the policy of the resource.</summary>
/// <param name="ReadyPodNodes">Nodes where pods of the current revision are Ready: evidence that a node-confined failure is the node's.</param>
public sealed record RolloutObservation(
    string CurrentRevision,
    string? LastGoodRevision,
    IReadOnlyList<PodFailure> Failures,
    IReadOnlyCollection<string> ReadyPodNodes,
    IReadOnlySet<PodFailureClass> RollbackOn,
    int FailureThreshold);

/// <summary>What to do about the current revision's failures.</summary>
public abstract record RollbackDecision
{
    private RollbackDecision() { }

    /// <summary>Nothing to do: no failure of a listed class, or fewer than the threshold.</summary>
    public sealed record Keep : RollbackDecision;

    /// <summary>The failures point at a node, not the spec: delete the pod so it is recreated elsewhere.</summary>
    public sealed record RecreatePods(IReadOnlyList<PodFailure> Pods, string Node) : RollbackDecision;

    /// <summary>The revision is bad: put the last good revision's template back.</summary>
    public sealed record RollBack(string FailedRevision, string ToRevision, PodFailure Cause, int Failures) : RollbackDecision;

    /// <summary>The revision is bad and no good revision exists: scale it to zero to free its GPUs.</summary>
    public sealed record ScaleToZero(string FailedRevision, PodFailure Cause, int Failures) : RollbackDecision;
}
