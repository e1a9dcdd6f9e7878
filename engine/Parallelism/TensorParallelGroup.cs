using TorchSharp;
using static TorchSharp.torch;

namespace LlmOperator.Engine.Parallelism;

/// <summary>
/// The tensor-parallel ranks and the two collectives the model needs. Hidden states live on the primary device
/// (rank 0's); each rank computes its shard on its own device and the collectives bring the results back. On CUDA a
/// rank is a GPU (cuda:r); on the CPU every rank is the CPU and the shards simply run one after the other, so tensor
/// parallelism is testable without GPUs. Summation always runs in rank order, so results are deterministic.
/// </summary>
public sealed class TensorParallelGroup
{
    private readonly Device[] _devices;

    private TensorParallelGroup(Device[] devices) => _devices = devices;

    public int Size => _devices.Length;

    /// <summary>Where hidden states, norms and the router live.</summary>
    public Device Primary => _devices[0];

    public Device DeviceOf(int rank) => _devices[rank];

    /// <summary>
    /// <paramref name="size"/> ranks on <paramref name="device"/>'s kind: CUDA ranks are devices 0..size-1 (the only
    /// CUDA-specific code of tensor parallelism); CPU ranks share the CPU.
    /// </summary>
    public static TensorParallelGroup Create(Device device, int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (device.type != DeviceType.CUDA)
            return new TensorParallelGroup(Enumerable.Repeat(device, size).ToArray());
        int visible = cuda.device_count();
        if (visible < size)
            throw new InvalidOperationException(
                $"tensor-parallel-size {size} needs {size} GPUs but only {visible} are visible.");
        return new TensorParallelGroup(Enumerable.Range(0, size).Select(r => new Device(DeviceType.CUDA, r)).ToArray());
    }

    /// <summary>Sum of the ranks' partial results, on the primary device (the all-reduce after attention and MLP).</summary>
    public Tensor AllReduce(IReadOnlyList<Tensor> partials)
    {
        if (partials.Count != Size) throw new ArgumentException($"expected {Size} partial results, got {partials.Count}");
        var sum = partials[0].to(Primary);
        for (int r = 1; r < partials.Count; r++)
            sum = sum + partials[r].to(Primary);
        return sum;
    }

    /// <summary>The ranks' slices joined along <paramref name="dim"/>, on the primary device (the sharded lm_head).</summary>
    public Tensor AllGather(IReadOnlyList<Tensor> parts, long dim)
    {
        if (parts.Count != Size) throw new ArgumentException($"expected {Size} parts, got {parts.Count}");
        return Size == 1 ? parts[0] : cat(parts.Select(p => p.to(Primary)).ToArray(), dim);
    }
}
