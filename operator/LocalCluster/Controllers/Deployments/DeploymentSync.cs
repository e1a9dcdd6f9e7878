using System.Text.Json.Nodes;
using k8s.Models;
using LlmOperator.LocalCluster.Controllers.Events;
using LlmOperator.LocalCluster.Controllers.Objects;
using LlmOperator.LocalCluster.Controllers.Runtime;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Controllers.Deployments;

/// <summary>
/// One reconcile of one Deployment (syncDeployment in pkg/controller/deployment), over the
/// ReplicaSets it owns. Every write goes to the store at once and the in-memory copies follow the
/// store's answers, so later steps see what earlier steps wrote; a 409 aborts the pass and the
/// loop retries from fresh reads.
/// </summary>
internal sealed partial class DeploymentSync(
    ObjectStore store, EventRecorder events, TimeProvider clock,
    StoredObject<V1Deployment> deployment, List<StoredObject<V1ReplicaSet>> sets)
{
    private V1Deployment D => deployment.Typed;

    private int Replicas => DeploymentSpec.Replicas(D);

    private DateTime Now => ObjectJson.ApiTime(clock.GetUtcNow());

    public ReconcileResult Run()
    {
        if (deployment.Raw.IsDeleting()) return SyncStatusOnly();
        CheckPausedConditions();
        if (DeploymentSpec.Paused(D) || IsScalingEvent()) return SyncScale();
        return DeploymentSpec.IsRecreate(D) ? RolloutRecreate() : RolloutRolling();
    }

    /// <summary>A Deployment being deleted only reports status; its sets go with the garbage collector.</summary>
    private ReconcileResult SyncStatusOnly()
    {
        var (newRs, oldSets) = FindReplicaSets(createIfMissing: false);
        return SyncDeploymentStatus(oldSets.Append(newRs).OfType<StoredObject<V1ReplicaSet>>().ToList(), newRs);
    }

    /// <summary>Paused or resized: only scale (proportionally), never roll to a new template.</summary>
    private ReconcileResult SyncScale()
    {
        var (newRs, oldSets) = FindReplicaSets(createIfMissing: false);
        Scale(newRs, oldSets);
        if (DeploymentSpec.Paused(D)) CleanupRevisionHistory(oldSets);
        return SyncDeploymentStatus(oldSets.Append(newRs).OfType<StoredObject<V1ReplicaSet>>().ToList(), newRs);
    }

    /// <summary>True when an active set was sized for another replica count than the spec's now (isScalingEvent).</summary>
    private bool IsScalingEvent()
    {
        var (newRs, oldSets) = FindReplicaSets(createIfMissing: false);
        return oldSets.Append(newRs).OfType<StoredObject<V1ReplicaSet>>()
            .Where(rs => SpecReplicas(rs) > 0)
            .Any(rs => rs.Raw.Annotation(DeploymentSpec.DesiredReplicasAnnotation) is { } desired &&
                       int.TryParse(desired, out var value) && value != Replicas);
    }

    private void Scale(StoredObject<V1ReplicaSet>? newRs, List<StoredObject<V1ReplicaSet>> oldSets)
    {
        if (ActiveOrLatest(newRs, oldSets) is { } only)
        {
            ScaleReplicaSet(only, Replicas);
            return;
        }

        if (IsSaturated(newRs))
        {
            foreach (var old in oldSets.Where(rs => SpecReplicas(rs) > 0)) ScaleReplicaSet(old, 0);
            return;
        }

        if (DeploymentSpec.IsRecreate(D)) return;
        var active = oldSets.Append(newRs).OfType<StoredObject<V1ReplicaSet>>().Where(rs => SpecReplicas(rs) > 0).ToList();
        var plan = ProportionalScaling.Plan(D, active.Select(Counts).ToList(), D.Status?.Replicas ?? 0);
        foreach (var rs in active) ScaleReplicaSet(rs, plan[rs.Name]);
    }

    /// <summary>The only active set, or the newest when none is active; null when several are active (FindActiveOrLatest).</summary>
    private static StoredObject<V1ReplicaSet>? ActiveOrLatest(StoredObject<V1ReplicaSet>? newRs, List<StoredObject<V1ReplicaSet>> oldSets)
    {
        if (newRs is null && oldSets.Count == 0) return null;
        var newestFirst = oldSets.OrderByDescending(rs => rs.Raw.CreationTime()).ToList();
        var active = newestFirst.Append(newRs).OfType<StoredObject<V1ReplicaSet>>().Where(rs => SpecReplicas(rs) > 0).ToList();
        return active.Count switch
        {
            0 => newRs ?? newestFirst[0],
            1 => active[0],
            _ => null,
        };
    }

    private bool IsSaturated(StoredObject<V1ReplicaSet>? newRs) =>
        newRs is not null && SpecReplicas(newRs) == Replicas &&
        newRs.Raw.Annotation(DeploymentSpec.DesiredReplicasAnnotation) == Replicas.ToString() &&
        (newRs.Typed.Status?.AvailableReplicas ?? 0) == Replicas;

    /// <summary>Sets a ReplicaSet's size and its desired/max-replicas annotations; returns whether the size changed.</summary>
    private bool ScaleReplicaSet(StoredObject<V1ReplicaSet> rs, int newScale)
    {
        var before = SpecReplicas(rs);
        var edit = rs.Edit();
        var annotated = edit.SetAnnotation(DeploymentSpec.DesiredReplicasAnnotation, Replicas.ToString());
        annotated |= edit.SetAnnotation(DeploymentSpec.MaxReplicasAnnotation, (Replicas + RolloutMath.MaxSurge(D)).ToString());
        if (before == newScale && !annotated) return false;
        ((JsonObject)edit["spec"]!)["replicas"] = newScale;
        rs.Reset(store.Update(BuiltInTypes.ReplicaSets, edit));
        if (before == newScale) return false;
        var direction = before < newScale ? "up" : "down";
        events.Normal(deployment.Raw, "ScalingReplicaSet", $"Scaled {direction} replica set {rs.Name} from {before} to {newScale}");
        return true;
    }

    private static int SpecReplicas(StoredObject<V1ReplicaSet> rs) => rs.Typed.Spec?.Replicas ?? 1;

    private static ReplicaSetCounts Counts(StoredObject<V1ReplicaSet> rs) => new(
        rs.Name, SpecReplicas(rs), rs.Typed.Status?.AvailableReplicas ?? 0, rs.Raw.CreationTime(),
        int.TryParse(rs.Raw.Annotation(DeploymentSpec.MaxReplicasAnnotation), out var max) ? max : null);
}
