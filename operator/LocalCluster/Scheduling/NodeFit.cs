namespace LlmOperator.LocalCluster.Scheduling;

/// <summary>A node as the scheduler sees it: what it offers and what its pods already take.</summary>
public sealed record NodeSnapshot(
    string Name,
    long AllocatableGpus,
    long MaxPods,
    bool Unschedulable,
    bool Ready,
    IReadOnlyDictionary<string, string> Labels,
    long UsedGpus,
    int PodCount);

/// <summary>What a pending pod needs from a node.</summary>
public sealed record PodDemand(long Gpus, IReadOnlyDictionary<string, string>? NodeSelector, bool ToleratesUnschedulable);

/// <summary>The outcome of one scheduling attempt: a node, or kube-scheduler's "0/N nodes are available" message.</summary>
public sealed record FitResult(string? Node, string? Message)
{
    public bool Scheduled => Node is not null;
}

/// <summary>
/// The filter and score steps of kube-scheduler for the resources this cluster models, as pure code:
/// each node is checked by the filters in the scheduler's order (NodeUnschedulable, TaintToleration for the
/// not-ready taint, NodeAffinity for nodeSelector, NodeResourcesFit for pods and GPUs); among the nodes left the
/// least allocated by GPUs wins (the default LeastAllocated score), ties by name.
/// </summary>
public static class NodeFit
{
    public static FitResult Choose(PodDemand pod, IReadOnlyList<NodeSnapshot> nodes)
    {
        if (nodes.Count == 0) return new FitResult(null, "no nodes available to schedule pods");
        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        var fitting = new List<NodeSnapshot>();
        foreach (var node in nodes)
        {
            var failures = Filter(pod, node);
            if (failures.Count == 0) fitting.Add(node);
            foreach (var reason in failures) reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
        }

        if (fitting.Count > 0)
        {
            var best = fitting.OrderByDescending(n => n.AllocatableGpus - n.UsedGpus).ThenBy(n => n.Name, StringComparer.Ordinal).First();
            return new FitResult(best.Name, null);
        }

        // As FitError.Error() in kube-scheduler: "<count> <reason>" strings, sorted, joined.
        var histogram = reasons.Select(r => $"{r.Value} {r.Key}").Order(StringComparer.Ordinal);
        return new FitResult(null, $"0/{nodes.Count} nodes are available: {string.Join(", ", histogram)}.");
    }

    /// <summary>Why the pod cannot go to the node, in kube-scheduler's words; empty when it fits.</summary>
    private static List<string> Filter(PodDemand pod, NodeSnapshot node)
    {
        if (node.Unschedulable && !pod.ToleratesUnschedulable) return ["node(s) were unschedulable"];
        if (!node.Ready) return ["node(s) had untolerated taint {node.kubernetes.io/not-ready: }"];
        if (pod.NodeSelector?.Any(s => node.Labels.GetValueOrDefault(s.Key) != s.Value) == true)
        {
            return ["node(s) didn't match Pod's node affinity/selector"];
        }

        // NodeResourcesFit reports every insufficient resource of a node, not only the first.
        var failures = new List<string>();
        if (node.PodCount + 1 > node.MaxPods) failures.Add("Too many pods");
        if (pod.Gpus > node.AllocatableGpus - node.UsedGpus) failures.Add($"Insufficient {LocalNodeOptions.GpuResource}");
        return failures;
    }
}
