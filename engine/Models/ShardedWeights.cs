using LlmOperator.Engine.Parallelism;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmOperator.Engine.Models;

/// <summary>
/// Reads one named tensor, as the checkpoint holds it, after checking its shape (production: <c>Checkpoint.Read</c>;
/// tests: in-memory random tensors). Returns a float32 CPU tensor the caller owns.
/// </summary>
public delegate Tensor TensorLoader(string name, long[] shape);

/// <summary>
/// Turns full checkpoint tensors into what each tensor-parallel rank keeps: a slice (or a copy) in the model's dtype on
/// the rank's device. Every tensor it returns is detached from any dispose scope: the model owns and disposes it.
/// </summary>
internal sealed class ShardedWeights(TensorLoader load, TensorParallelGroup group, ScalarType dtype)
{
    public TensorParallelGroup Group => group;
    public ScalarType Dtype => dtype;

    /// <summary>The whole tensor on the primary device (norm weights, the router).</summary>
    public Tensor Primary(string name, params long[] shape)
    {
        using var full = load(name, shape);
        return Keep(full, group.Primary);
    }

    /// <summary>
    /// Rank r's part: <c>length(r)</c> elements of <paramref name="dim"/> starting at <c>start(r)</c>.
    /// The full tensor is read once for all ranks.
    /// </summary>
    public Tensor[] Split(string name, long[] shape, int dim, Func<int, (long Start, long Length)> range)
    {
        using var full = load(name, shape);
        var parts = new Tensor[group.Size];
        for (int r = 0; r < group.Size; r++)
        {
            var (start, length) = range(r);
            using var slice = full.narrow(dim, start, length);
            parts[r] = Keep(slice, group.DeviceOf(r));
        }
        return parts;
    }

    /// <summary>Even split of <paramref name="dim"/> over the ranks (the rules guarantee divisibility).</summary>
    public Tensor[] SplitEvenly(string name, long[] shape, int dim)
    {
        long size = shape[dim];
        if (size % group.Size != 0)
            throw new ArgumentException($"{name}: dimension {dim} ({size}) is not divisible by tensor-parallel-size {group.Size}.");
        long each = size / group.Size;
        return Split(name, shape, dim, r => (r * each, each));
    }

    /// <summary>
    /// Llama 4's fused <c>gate_up_proj [E, hidden, 2·I]</c>: rank r keeps its slice of the gate half and the same slice of
    /// the up half, fused again as <c>[E, hidden, 2·I/N]</c> (gate first, as HF's <c>chunk(2, dim=-1)</c> expects).
    /// </summary>
    public Tensor[] SplitFusedGateUp(string name, long experts, long hidden, long intermediate)
    {
        using var full = load(name, [experts, hidden, 2 * intermediate]);
        long each = intermediate / group.Size;
        var parts = new Tensor[group.Size];
        for (int r = 0; r < group.Size; r++)
        {
            using var gate = full.narrow(2, r * each, each);                 // [E, hidden, I/N]
            using var up = full.narrow(2, intermediate + r * each, each);    // [E, hidden, I/N]
            using var fused = cat([gate, up], 2);                            // [E, hidden, 2·I/N]
            parts[r] = Keep(fused, group.DeviceOf(r));
        }
        return parts;
    }

    private Tensor Keep(Tensor source, Device device)
    {
        using var scope = NewDisposeScope();
        return source.to(dtype).to(device).contiguous().clone().DetachFromDisposeScope();
    }
}
