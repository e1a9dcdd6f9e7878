using k8s.Models;
using LlmOperator.LocalCluster.Controllers.Objects;

namespace LlmOperator.LocalCluster.Controllers.ReplicaSets;

/// <summary>
/// Which pods a ReplicaSet deletes first when it shrinks (controller.ActivePods ordering): those
/// that cost the least to lose go first: unscheduled before scheduled, Pending before Unknown
/// before Running, not ready before ready, ready for a shorter time before longer, more restarts
/// before fewer, newer before older.
/// </summary>
internal static class PodDeletionOrder
{
    public static IEnumerable<V1Pod> Pick(IEnumerable<V1Pod> pods, int count) =>
        pods.Order(Comparer<V1Pod>.Create(Compare)).Take(count);

    public static int Compare(V1Pod a, V1Pod b)
    {
        int byRule;
        if ((byRule = Assigned(a).CompareTo(Assigned(b))) != 0) return byRule;
        if ((byRule = PhaseOrdinal(a).CompareTo(PhaseOrdinal(b))) != 0) return byRule;
        if ((byRule = PodConditions.IsReady(a).CompareTo(PodConditions.IsReady(b))) != 0) return byRule;
        if (PodConditions.IsReady(a) && PodConditions.ReadySince(a) is { } readyA && PodConditions.ReadySince(b) is { } readyB &&
            (byRule = readyB.CompareTo(readyA)) != 0)
        {
            return byRule;
        }

        if ((byRule = Restarts(b).CompareTo(Restarts(a))) != 0) return byRule;
        var createdA = a.Metadata.CreationTimestamp ?? DateTime.MaxValue;
        var createdB = b.Metadata.CreationTimestamp ?? DateTime.MaxValue;
        if ((byRule = createdB.CompareTo(createdA)) != 0) return byRule;
        return string.CompareOrdinal(b.Metadata.Name, a.Metadata.Name);
    }

    private static bool Assigned(V1Pod pod) => !string.IsNullOrEmpty(pod.Spec?.NodeName);

    private static int PhaseOrdinal(V1Pod pod) => pod.Status?.Phase switch
    {
        "Unknown" => 1,
        "Running" => 2,
        _ => 0,
    };

    private static int Restarts(V1Pod pod) => pod.Status?.ContainerStatuses?.Select(c => c.RestartCount).DefaultIfEmpty(0).Max() ?? 0;
}
