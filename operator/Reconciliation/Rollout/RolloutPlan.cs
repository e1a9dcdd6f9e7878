using LlmOperator.Operator.Reconciliation.Revisions;

namespace LlmOperator.Operator.Reconciliation.Rollout;

/// <summary>Why the Deployment runs what it runs.</summary>
public enum RolloutMode
{
    /// <summary>The spec's revision.</summary>
    Spec,

    /// <summary>The spec's revision failed; the last good revision runs instead until the spec changes.</summary>
    AutomaticRollback,

    /// <summary>A good revision chosen by the rollback-to annotation runs until the spec changes.</summary>
    ManualRollback,

    /// <summary>The spec's revision failed and no good revision exists: zero replicas, GPUs freed.</summary>
    ScaledToZero,
}

/// <summary>What the Deployment should run: which revision, how many replicas, and why.</summary>
/// <param name="Failed">The revision that failed under this generation, when one did.</param>
public sealed record RolloutPlan(RolloutMode Mode, Revision Spec, Revision Target, Revision? Failed, int Replicas)
{
    /// <summary>
    /// The plan the revisions' recorded outcomes imply for this generation. Level-based: it depends on nothing but
    /// the ControllerRevisions, so every reconcile (and every operator replica) reaches the same plan.
    /// </summary>
    public static RolloutPlan For(long generation, int replicas, Revision spec, IReadOnlyList<Revision> revisions)
    {
        var pinned = revisions.Where(r => r.PinnedGeneration == generation && r.Outcome == RevisionOutcome.Good && !r.FailedAt(generation))
            .MaxBy(r => r.Number);
        var failed = revisions.Where(r => r.FailedAt(generation)).MaxBy(r => r.Number);
        if (!spec.FailedAt(generation))
        {
            return pinned is not null && pinned.Hash != spec.Hash
                ? new RolloutPlan(RolloutMode.ManualRollback, spec, pinned, failed, replicas)
                : new RolloutPlan(RolloutMode.Spec, spec, spec, failed, replicas);
        }
        if (pinned is not null) return new RolloutPlan(RolloutMode.ManualRollback, spec, pinned, spec, replicas);
        return LastGood(revisions, generation, spec.Hash) is { } good
            ? new RolloutPlan(RolloutMode.AutomaticRollback, spec, good, failed ?? spec, replicas)
            : new RolloutPlan(RolloutMode.ScaledToZero, spec, spec, failed ?? spec, 0);
    }

    /// <summary>The newest good revision other than <paramref name="except"/> that has not failed under this generation.</summary>
    public static Revision? LastGood(IReadOnlyList<Revision> revisions, long generation, string except) =>
        revisions.Where(r => r.Outcome == RevisionOutcome.Good && r.Hash != except && !r.FailedAt(generation)).MaxBy(r => r.Number);
}
