namespace LlmOperator.LocalCluster.Scheduling;

/// <summary>
/// The simulated nodes of the local cluster: <see cref="Count"/> Node objects named <c>local-node-1..K</c>, all
/// backed by this one machine. GPUs are a declared capacity (<c>nvidia.com/gpu</c>) the scheduler accounts for,
/// not devices handed to processes: pods asking for more than a node has stay Pending, as on a real cluster.
/// </summary>
public sealed record LocalNodeOptions
{
    public const string NamePrefix = "local-node-";

    /// <summary>The extended resource NVIDIA's device plugin advertises.</summary>
    public const string GpuResource = "nvidia.com/gpu";

    public int Count { get; init; } = 1;

    /// <summary>Eight, as on a typical 8-GPU server.</summary>
    public int GpusPerNode { get; init; } = 8;

    /// <summary>Pods per node. Larger than kubelet's 110 so that the 500-pod scale benchmark fits on one node.</summary>
    public int MaxPods { get; init; } = 1000;

    public IReadOnlyList<string> NodeNames => Enumerable.Range(1, Count).Select(i => NamePrefix + i).ToList();

    /// <summary>Throws <see cref="ArgumentException"/> naming the option and the fix when a value is out of range.</summary>
    public void Validate()
    {
        if (Count < 1) throw new ArgumentException($"nodes must be at least 1 (got {Count}): pass --nodes 1 or more.");
        if (GpusPerNode < 0) throw new ArgumentException($"gpus per node must not be negative (got {GpusPerNode}): pass --gpus 0 or more.");
        if (MaxPods < 1) throw new ArgumentException($"max pods per node must be at least 1 (got {MaxPods}).");
    }
}
