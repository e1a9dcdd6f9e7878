using k8s.Models;

namespace LlmOperator.LocalCluster.Controllers.Objects;

/// <summary>Pod readiness and availability as k8s.io/kubernetes/pkg/api/v1/pod (IsPodReady, IsPodAvailable).</summary>
internal static class PodConditions
{
    /// <summary>Not finished (Succeeded/Failed) and not being deleted: counts towards a ReplicaSet's replicas.</summary>
    public static bool IsActive(V1Pod pod) =>
        pod.Metadata.DeletionTimestamp is null && !IsTerminal(pod);

    /// <summary>Finished for good: with restartPolicy Never/OnFailure the kubelet will not run it again.</summary>
    public static bool IsTerminal(V1Pod pod) => pod.Status?.Phase is "Succeeded" or "Failed";

    public static bool IsReady(V1Pod pod) => ReadyCondition(pod)?.Status == "True";

    /// <summary>Ready for longer than minReadySeconds (strictly, as Kubernetes' Before()).</summary>
    public static bool IsAvailable(V1Pod pod, int minReadySeconds, DateTimeOffset now)
    {
        if (!IsReady(pod)) return false;
        if (minReadySeconds <= 0) return true;
        return ReadySince(pod) is { } since && since.AddSeconds(minReadySeconds) < now;
    }

    /// <summary>When a ready but not yet available pod becomes available; null when that is not pending.</summary>
    public static DateTimeOffset? AvailableAt(V1Pod pod, int minReadySeconds, DateTimeOffset now) =>
        minReadySeconds > 0 && IsReady(pod) && !IsAvailable(pod, minReadySeconds, now) && ReadySince(pod) is { } since
            ? since.AddSeconds(minReadySeconds)
            : null;

    public static DateTimeOffset? ReadySince(V1Pod pod) =>
        ReadyCondition(pod)?.LastTransitionTime is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;

    private static V1PodCondition? ReadyCondition(V1Pod pod) =>
        pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
}
