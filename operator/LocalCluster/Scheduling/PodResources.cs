using k8s.Models;

namespace LlmOperator.LocalCluster.Scheduling;

/// <summary>What a pod takes from a node, computed as kube-scheduler's NodeResourcesFit plugin does.</summary>
public static class PodResources
{
    /// <summary>
    /// GPUs the pod requests: the sum over its containers, or the largest init container when that is more
    /// (init containers run one at a time). For extended resources a limit alone implies an equal request.
    /// </summary>
    public static long Gpus(V1PodSpec spec)
    {
        var main = spec.Containers?.Sum(Gpus) ?? 0;
        var init = spec.InitContainers?.Select(Gpus).DefaultIfEmpty(0).Max() ?? 0;
        return Math.Max(main, init);
    }

    public static long Gpus(V1Container container)
    {
        var resources = container.Resources;
        if (resources?.Requests?.TryGetValue(LocalNodeOptions.GpuResource, out var request) == true) return request.ToInt64();
        if (resources?.Limits?.TryGetValue(LocalNodeOptions.GpuResource, out var limit) == true) return limit.ToInt64();
        return 0;
    }

    /// <summary>Succeeded and Failed pods hold no resources; terminating ones still do until they are gone.</summary>
    public static bool IsTerminal(string? phase) => phase is "Succeeded" or "Failed";
}
