using k8s.Models;
using LlmOperator.LocalCluster.Controllers.Objects;
using LlmOperator.LocalCluster.Controllers.Runtime;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Controllers.Deployments;

/// <summary>Deployment status and its Available / Progressing conditions (sync.go, progress.go, util).</summary>
internal sealed partial class DeploymentSync
{
    private const string Progressing = "Progressing";

    /// <summary>Status with the Progressing verdict: complete, progressing (deadline restarts), or timed out.</summary>
    private ReconcileResult SyncRolloutStatus(List<StoredObject<V1ReplicaSet>> all, StoredObject<V1ReplicaSet>? newRs)
    {
        var status = CalculateStatus(all, newRs);
        var deadline = DeploymentSpec.ProgressDeadlineSeconds(D);
        if (deadline is null) RemoveCondition(status, Progressing);
        var current = ProgressingCondition(D.Status);
        var alreadyComplete = status.Replicas == status.UpdatedReplicas && current?.Reason == "NewReplicaSetAvailable";
        var subject = newRs is null ? $"Deployment \"{deployment.Name}\"" : $"ReplicaSet \"{newRs.Name}\"";
        if (deadline is not null && !alreadyComplete)
        {
            if (IsComplete(status))
            {
                SetCondition(status, NewCondition(Progressing, "True", "NewReplicaSetAvailable", $"{subject} has successfully progressed."));
            }
            else if (MadeProgress(status))
            {
                var condition = NewCondition(Progressing, "True", "ReplicaSetUpdated", $"{subject} is progressing.");
                if (current?.Status == "True") condition.LastTransitionTime = current.LastTransitionTime;
                RemoveCondition(status, Progressing);
                SetCondition(status, condition);
            }
            else if (TimedOut(status, deadline.Value))
            {
                SetCondition(status, NewCondition(Progressing, "False", "ProgressDeadlineExceeded", $"{subject} has timed out progressing."));
            }
        }

        if (SameStatus(status)) return RequeueIfStuck(status, deadline);
        WriteStatus(status);
        return ReconcileResult.Done;
    }

    /// <summary>Status without a Progressing verdict (paused, resized, deleting).</summary>
    private ReconcileResult SyncDeploymentStatus(List<StoredObject<V1ReplicaSet>> all, StoredObject<V1ReplicaSet>? newRs)
    {
        var status = CalculateStatus(all, newRs);
        if (!SameStatus(status)) WriteStatus(status);
        return ReconcileResult.Done;
    }

    private V1DeploymentStatus CalculateStatus(List<StoredObject<V1ReplicaSet>> all, StoredObject<V1ReplicaSet>? newRs)
    {
        var available = all.Sum(rs => rs.Typed.Status?.AvailableReplicas ?? 0);
        var status = CopyStatus();
        status.ObservedGeneration = deployment.Typed.Metadata.Generation;
        status.Replicas = OmitZero(all.Sum(rs => rs.Typed.Status?.Replicas ?? 0));
        status.UpdatedReplicas = OmitZero(newRs?.Typed.Status?.Replicas ?? 0);
        status.ReadyReplicas = OmitZero(all.Sum(rs => rs.Typed.Status?.ReadyReplicas ?? 0));
        status.AvailableReplicas = OmitZero(available);
        status.UnavailableReplicas = OmitZero(Math.Max(0, Replicas - available));
        SetCondition(status, available >= Replicas - RolloutMath.MaxUnavailable(D)
            ? NewCondition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.")
            : NewCondition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability."));
        return status;
    }

    /// <summary>What <c>kubectl rollout status</c> waits for: every replica updated and available, at the current generation.</summary>
    private bool IsComplete(V1DeploymentStatus? status) =>
        (status?.UpdatedReplicas ?? 0) == Replicas && (status?.Replicas ?? 0) == Replicas &&
        (status?.AvailableReplicas ?? 0) == Replicas && (status?.ObservedGeneration ?? 0) >= (D.Metadata.Generation ?? 0);

    /// <summary>More pods updated, ready or available, or fewer old pods, than the stored status says (DeploymentProgressing).</summary>
    private bool MadeProgress(V1DeploymentStatus next)
    {
        var old = D.Status ?? new V1DeploymentStatus();
        var oldOld = (old.Replicas ?? 0) - (old.UpdatedReplicas ?? 0);
        var newOld = (next.Replicas ?? 0) - (next.UpdatedReplicas ?? 0);
        return (next.UpdatedReplicas ?? 0) > (old.UpdatedReplicas ?? 0) || newOld < oldOld ||
               (next.ReadyReplicas ?? 0) > (old.ReadyReplicas ?? 0) || (next.AvailableReplicas ?? 0) > (old.AvailableReplicas ?? 0);
    }

    /// <summary>No progress recorded for longer than progressDeadlineSeconds since the condition's lastUpdateTime.</summary>
    private bool TimedOut(V1DeploymentStatus status, int deadline)
    {
        var condition = ProgressingCondition(status);
        if (condition is null || condition.Reason == "NewReplicaSetAvailable") return false;
        if (condition.Reason == "ProgressDeadlineExceeded") return true;
        return condition.LastUpdateTime is { } from && from.AddSeconds(deadline) < Now;
    }

    /// <summary>Looks again when the deadline would pass, since no event will come if nothing moves.</summary>
    private ReconcileResult RequeueIfStuck(V1DeploymentStatus status, int? deadline)
    {
        var condition = ProgressingCondition(D.Status);
        if (deadline is null || condition is null || IsComplete(status) || condition.Reason == "ProgressDeadlineExceeded") return ReconcileResult.Done;
        if (condition.LastUpdateTime is not { } from) return ReconcileResult.Done;
        var left = from.AddSeconds(deadline.Value) - Now;
        // Times are whole seconds and the check is strict: look one second after the deadline.
        return ReconcileResult.After((left > TimeSpan.Zero ? left : TimeSpan.Zero) + TimeSpan.FromSeconds(1));
    }

    /// <summary>Progressing=Unknown with DeploymentPaused / DeploymentResumed when pausing flips (checkPausedConditions).</summary>
    private void CheckPausedConditions()
    {
        if (DeploymentSpec.ProgressDeadlineSeconds(D) is null) return;
        var condition = ProgressingCondition(D.Status);
        if (condition?.Reason == "ProgressDeadlineExceeded") return;
        var pausedShown = condition?.Reason == "DeploymentPaused";
        if (DeploymentSpec.Paused(D) && !pausedShown)
        {
            WriteStatus(SetCondition(CopyStatus(), NewCondition(Progressing, "Unknown", "DeploymentPaused", "Deployment is paused")));
        }
        else if (!DeploymentSpec.Paused(D) && pausedShown)
        {
            WriteStatus(SetCondition(CopyStatus(), NewCondition(Progressing, "Unknown", "DeploymentResumed", "Deployment is resumed")));
        }
    }

    private V1DeploymentStatus CopyStatus() =>
        TypedObjectStore.FromJson<V1DeploymentStatus>(TypedObjectStore.ToJson(D.Status ?? new V1DeploymentStatus()));

    private bool SameStatus(V1DeploymentStatus status) =>
        System.Text.Json.Nodes.JsonNode.DeepEquals(TypedObjectStore.ToJson(status), TypedObjectStore.ToJson(D.Status ?? new V1DeploymentStatus()));

    private void WriteStatus(V1DeploymentStatus status)
    {
        var edit = deployment.Edit();
        edit["status"] = TypedObjectStore.ToJson(status);
        deployment.Reset(store.Update(BuiltInTypes.Deployments, edit, ObjectStore.UpdateScope.Status));
    }

    private V1DeploymentCondition NewCondition(string type, string status, string reason, string message) => new()
    {
        Type = type, Status = status, Reason = reason, Message = message, LastUpdateTime = Now, LastTransitionTime = Now,
    };

    /// <summary>Adds or replaces a condition; same status and reason changes nothing, same status keeps lastTransitionTime.</summary>
    private static V1DeploymentStatus SetCondition(V1DeploymentStatus status, V1DeploymentCondition condition)
    {
        var conditions = status.Conditions ?? [];
        var current = conditions.FirstOrDefault(c => c.Type == condition.Type);
        if (current is not null && current.Status == condition.Status && current.Reason == condition.Reason) return status;
        if (current is not null && current.Status == condition.Status) condition.LastTransitionTime = current.LastTransitionTime;
        status.Conditions = conditions.Where(c => c.Type != condition.Type).Append(condition).ToList();
        return status;
    }

    private static void RemoveCondition(V1DeploymentStatus status, string type)
    {
        var kept = status.Conditions?.Where(c => c.Type != type).ToList();
        status.Conditions = kept is { Count: > 0 } ? kept : null;
    }

    private static V1DeploymentCondition? ProgressingCondition(V1DeploymentStatus? status) =>
        status?.Conditions?.FirstOrDefault(c => c.Type == Progressing);

    /// <summary>Zero counts are left out of the stored status, as the API's omitempty does.</summary>
    private static int? OmitZero(int value) => value == 0 ? null : value;
}
