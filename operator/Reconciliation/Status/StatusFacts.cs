using k8s.Models;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Reconciliation.Observation;
using LlmOperator.Operator.Reconciliation.Revisions;
using LlmOperator.Operator.Reconciliation.Rollout;
using LlmOperator.Rules.Validation;

namespace LlmOperator.Operator.Reconciliation.Status;

/// <summary>Everything one reconcile learned that the status reports.</summary>
/// <param name="Progress">Why the revision is not yet good (waiting for replicas, minReadySeconds, the probe), or how it was proven.</param>
public sealed record StatusFacts(
    V1Alpha1ModelDeployment Resource,
    ValidationReport Validation,
    RolloutPlan Plan,
    IReadOnlyList<Revision> Revisions,
    V1Deployment? Deployment,
    RevisionPods Pods,
    string Progress,
    DateTime Now)
{
    public long Generation => Resource.Metadata.Generation ?? 0;

    public int ReadyReplicas => Deployment?.Status?.ReadyReplicas ?? 0;

    /// <summary>The Deployment controller has rolled out the template the operator wrote, to every replica.</summary>
    public bool RolloutComplete
    {
        get
        {
            var status = Deployment?.Status;
            int want = Plan.Replicas;
            return status is not null && Deployment!.Metadata.Generation is { } g && status.ObservedGeneration >= g
                && (status.UpdatedReplicas ?? 0) == want && (status.Replicas ?? 0) == want && (status.AvailableReplicas ?? 0) == want
                && (status.ReadyReplicas ?? 0) == want;
        }
    }

    public bool ProgressDeadlineExceeded => Deployment?.Status?.Conditions?.Any(c =>
        c.Type == "Progressing" && c.Status == "False" && c.Reason == "ProgressDeadlineExceeded") == true;
}
