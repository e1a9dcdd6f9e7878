using k8s.Models;
using LlmOperator.LocalCluster.Controllers.Objects;
using LlmOperator.LocalCluster.Controllers.Runtime;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Controllers.Deployments;

/// <summary>The two strategies (rolling.go, recreate.go) and revision history clean-up.</summary>
internal sealed partial class DeploymentSync
{
    /// <summary>
    /// One step of a rolling update: grow the new set while the total stays within replicas+maxSurge,
    /// else shrink old sets while available pods stay at least replicas-maxUnavailable. Each
    /// step is one write; the resulting ReplicaSet status changes bring the next step.
    /// </summary>
    private ReconcileResult RolloutRolling()
    {
        var (newRs, oldSets) = FindReplicaSets(createIfMissing: true);
        var all = oldSets.Append(newRs).OfType<StoredObject<V1ReplicaSet>>().ToList();
        if (all.Any(IsStatusBehind)) return SyncRolloutStatus(all, newRs);
        if (newRs is not null && ReconcileNewReplicaSet(all, newRs)) return SyncRolloutStatus(all, newRs);
        if (ReconcileOldReplicaSets(all, oldSets.Where(rs => SpecReplicas(rs) > 0).ToList(), newRs)) return SyncRolloutStatus(all, newRs);
        if (IsComplete(D.Status)) CleanupRevisionHistory(oldSets);
        return SyncRolloutStatus(all, newRs);
    }

    /// <summary>
    /// The ReplicaSet controller has not yet acted on the set's current spec. The next step waits for
    /// it: a step taken on a status from before the last scale would count pods that are about to go
    /// (breaking minAvailable) or miss pods still to be deleted (breaking replicas+maxSurge). Kubernetes
    /// leaves this to timing; here both controllers share two cores with everything else.
    /// </summary>
    private static bool IsStatusBehind(StoredObject<V1ReplicaSet> rs) =>
        (rs.Typed.Status?.ObservedGeneration ?? 0) < (rs.Typed.Metadata.Generation ?? 0);

    private bool ReconcileNewReplicaSet(List<StoredObject<V1ReplicaSet>> all, StoredObject<V1ReplicaSet> newRs)
    {
        var current = SpecReplicas(newRs);
        if (current == Replicas) return false;
        if (current > Replicas) return ScaleReplicaSet(newRs, Replicas);
        return ScaleReplicaSet(newRs, RolloutMath.NewReplicaSetReplicas(D, all.Sum(SpecReplicas), current));
    }

    private bool ReconcileOldReplicaSets(List<StoredObject<V1ReplicaSet>> all, List<StoredObject<V1ReplicaSet>> activeOld, StoredObject<V1ReplicaSet>? newRs)
    {
        if (activeOld.Sum(SpecReplicas) == 0) return false;
        var maxScaledDown = RolloutMath.MaxScaledDown(D, all.Sum(SpecReplicas), newRs is null ? null : Counts(newRs));
        if (maxScaledDown <= 0) return false;
        var scaled = Apply(RolloutMath.CleanupUnhealthy(activeOld.Select(Counts), maxScaledDown), activeOld);
        scaled += Apply(RolloutMath.ScaleDownOld(D, all.Select(Counts).ToList(), activeOld.Select(Counts)), activeOld);
        return scaled > 0;
    }

    /// <summary>Applies a plan of new sizes; returns how many replicas were removed.</summary>
    private int Apply(Dictionary<string, int> plan, List<StoredObject<V1ReplicaSet>> candidates)
    {
        var removed = 0;
        foreach (var rs in candidates.Where(rs => plan.ContainsKey(rs.Name)))
        {
            var before = SpecReplicas(rs);
            if (ScaleReplicaSet(rs, plan[rs.Name])) removed += before - plan[rs.Name];
        }

        return removed;
    }

    /// <summary>Recreate: scale every old set to 0, wait until none of their pods runs, then scale the new set up at once.</summary>
    private ReconcileResult RolloutRecreate()
    {
        var (newRs, oldSets) = FindReplicaSets(createIfMissing: false);
        var all = oldSets.Append(newRs).OfType<StoredObject<V1ReplicaSet>>().ToList();
        var scaledDown = false;
        foreach (var old in oldSets.Where(rs => SpecReplicas(rs) > 0)) scaledDown |= ScaleReplicaSet(old, 0);
        if (scaledDown || OldPodsRunning(oldSets)) return SyncRolloutStatus(all, newRs);
        if (newRs is null)
        {
            (newRs, oldSets) = FindReplicaSets(createIfMissing: true);
            all = oldSets.Append(newRs).OfType<StoredObject<V1ReplicaSet>>().ToList();
        }

        if (newRs is not null) ScaleReplicaSet(newRs, Replicas);
        if (IsComplete(D.Status)) CleanupRevisionHistory(oldSets);
        return SyncRolloutStatus(all, newRs);
    }

    /// <summary>Old sets still report pods, or one of their pods has not finished (terminating pods count).</summary>
    private bool OldPodsRunning(List<StoredObject<V1ReplicaSet>> oldSets)
    {
        if (oldSets.Sum(rs => rs.Typed.Status?.Replicas ?? 0) > 0) return true;
        var oldUids = oldSets.Select(rs => rs.Raw.Uid()).ToHashSet(StringComparer.Ordinal);
        return store.List(BuiltInTypes.Pods, deployment.Raw.Namespace(),
                p => p.ControllerRef() is { } owner && oldUids.Contains((string?)owner["uid"] ?? "")).Items
            .Any(p => (string?)p["status"]?["phase"] is not ("Failed" or "Succeeded"));
    }

    /// <summary>
    /// Deletes the oldest old sets beyond revisionHistoryLimit, only those with no replicas left and
    /// whose status is current (cleanupDeployment): what <c>kubectl rollout undo</c> could still use.
    /// </summary>
    private void CleanupRevisionHistory(List<StoredObject<V1ReplicaSet>> oldSets)
    {
        var alive = oldSets.Where(rs => !rs.Raw.IsDeleting()).ToList();
        var excess = alive.Count - DeploymentSpec.RevisionHistoryLimit(D);
        if (excess <= 0) return;
        var oldestFirst = alive
            .OrderBy(rs => DeploymentSpec.Revision(rs.Typed.Metadata.Annotations?.AsReadOnly()))
            .ThenBy(rs => rs.Raw.CreationTime())
            .Take(excess);
        foreach (var rs in oldestFirst)
        {
            var status = rs.Typed.Status;
            if ((status?.Replicas ?? 0) != 0 || SpecReplicas(rs) != 0 || (rs.Typed.Metadata.Generation ?? 0) > (status?.ObservedGeneration ?? 0)) continue;
            store.Delete(BuiltInTypes.ReplicaSets, rs.Raw.Namespace(), rs.Name, uid: rs.Raw.Uid());
            sets.Remove(rs);
        }
    }
}
