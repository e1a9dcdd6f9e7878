using static TorchSharp.torch;

namespace LlmOperator.Engine.Attention;

/// <summary>
/// A <see cref="SegmentBatch"/>'s index arrays on the device, uploaded once per step and shared by all
/// layers of one kind. Owns its tensors (detached from any dispose scope) and frees them on Dispose.
/// </summary>
public sealed class DeviceSegmentBatch : IDisposable
{
    private Tensor? _fullMask;

    internal DeviceSegmentBatch(SegmentBatch plan, Device device)
    {
        Plan = plan;
        var segments = plan.Segments.Length;
        KeySlots = Upload(plan.KeySlots, device);
        KeyLimits = Upload(plan.KeyLimits, device).view(segments, plan.QueryRows).DetachFromDisposeScope(); // [S, Qmax]
        KeyIndex = arange(plan.KeyRows, ScalarType.Int64, device).DetachFromDisposeScope();                  // [Kmax]
        if (plan.IsIdentity)
            return;
        QueryTokens = Upload(plan.QueryTokens, device);
        OutputRows = Upload(plan.OutputRows, device);
        TokenIndices = Upload(plan.TokenIndices, device);
    }

    public SegmentBatch Plan { get; }

    /// <summary>[S·Kmax] cache slots of the padded keys.</summary>
    public Tensor KeySlots { get; }

    /// <summary>[S, Qmax] highest visible key index per padded query row.</summary>
    public Tensor KeyLimits { get; }

    /// <summary>[Kmax] 0, 1, …: compared against <see cref="KeyLimits"/> to build masks.</summary>
    public Tensor KeyIndex { get; }

    /// <summary>[S·Qmax] flattened-token index per padded query row; null when the batch is the identity.</summary>
    public Tensor? QueryTokens { get; }

    /// <summary>[Tb] padded row of each served token; null when the batch is the identity.</summary>
    public Tensor? OutputRows { get; }

    /// <summary>[Tb] flattened-token index of each served token; null when the batch is the identity.</summary>
    public Tensor? TokenIndices { get; }

    /// <summary>
    /// [sc, qc, kEnd] bool, true where a query may NOT see a key, for the tile of segments [s0, s0+sc),
    /// rows [q0, q0+qc) and keys [0, kEnd). The whole-batch mask is kept for the next layers; tile masks
    /// of a tiled (long) batch are made per layer, since keeping them all would cost the memory tiling saves.
    /// </summary>
    internal Tensor Mask(int s0, int sc, int q0, int qc, int keyEnd)
    {
        var whole = s0 == 0 && sc == Plan.Segments.Length && q0 == 0 && qc == Plan.QueryRows;
        if (whole && _fullMask is not null && _fullMask.shape[2] == keyEnd)
            return _fullMask;
        using var scope = NewDisposeScope();
        var limits = KeyLimits.narrow(0, s0, sc).narrow(1, q0, qc).unsqueeze(-1);   // [sc, qc, 1]
        var mask = KeyIndex.narrow(0, 0, keyEnd).view(1, 1, keyEnd).gt(limits);        // [sc, qc, kEnd]
        if (!whole)
            return mask.MoveToOuterDisposeScope();
        _fullMask?.Dispose();
        _fullMask = mask.DetachFromDisposeScope();
        return _fullMask;
    }

    public void Dispose()
    {
        foreach (var t in new[] { KeySlots, KeyLimits, KeyIndex, QueryTokens, OutputRows, TokenIndices, _fullMask })
            t?.Dispose();
    }

    private static Tensor Upload(long[] values, Device device) => tensor(values, device: device).DetachFromDisposeScope();
}
