using static TorchSharp.torch;

namespace LlmOperator.Engine.Attention;

/// <summary>
/// A <see cref="SegmentBatch"/>'s index arrays on the device, uploaded once per step and shared by all
/// layers of one kind, plus what the first layer derives from them (head-major key rows, mask biases) and
/// the later layers reuse. Owns its tensors (detached from any dispose scope) and frees them on Dispose.
/// </summary>
public sealed class DeviceSegmentBatch : IDisposable
{
    /// <summary>Mask biases kept for the next layers, at most this many bytes per batch; beyond it they are rebuilt per layer.</summary>
    private const long BiasCacheBytes = 64L << 20;

    private readonly Dictionary<(AttentionTile Tile, int Group, ScalarType Dtype), Tensor> _biases = [];
    private long _biasBytes;
    private Tensor? _headRows;
    private int _headRowsKvHeads;

    internal DeviceSegmentBatch(SegmentBatch plan, Device device)
    {
        Plan = plan;
        var segments = plan.Segments.Length;
        KeySlots = Upload(plan.KeySlots, device);
        KeyLimits = Upload(plan.KeyLimits, device, segments, plan.QueryRows);                               // [S, Qmax]
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
    /// [S·Hkv·Kmax] rows of the cache viewed as [slots·Hkv, D] (row slot·Hkv + h), in (segment, kv head, key)
    /// order: one index_select then yields keys already laid out [S, Hkv, Kmax, D] for the matmul, with no
    /// permute copy of the gathered keys.
    /// </summary>
    internal Tensor HeadRows(int kvHeads)
    {
        if (_headRows is not null && _headRowsKvHeads == kvHeads)
            return _headRows;
        using var scope = NewDisposeScope();
        var heads = arange(kvHeads, ScalarType.Int64, KeySlots.device).view(1, kvHeads, 1);                 // [1, Hkv, 1]
        var rows = KeySlots.view(Plan.Segments.Length, 1, Plan.KeyRows).mul(kvHeads).add(heads).view(-1);    // [S·Hkv·Kmax]
        _headRows?.Dispose();
        (_headRows, _headRowsKvHeads) = (rows.DetachFromDisposeScope(), kvHeads);
        return _headRows;
    }

    /// <summary>
    /// The additive mask of a tile, [sc, 1, rows·G, keyEnd]: 0 where the query may see the key, −∞ where not.
    /// Rows are (query, query head within its kv group) pairs, matching the query layout in attention.
    /// </summary>
    internal Tensor Bias(AttentionTile t, int keyEnd, int group, ScalarType dtype)
    {
        if (_biases.TryGetValue((t, group, dtype), out var cached))
            return cached;
        using var scope = NewDisposeScope();
        var limits = KeyLimits.narrow(0, t.Segment, t.Segments).narrow(1, t.Row, t.Rows).view(t.Segments, 1, t.Rows, 1, 1);
        var hidden = KeyIndex.narrow(0, 0, keyEnd).view(1, 1, 1, 1, keyEnd).gt(limits);                     // [sc, 1, r, 1, k]
        var bias = zeros([t.Segments, 1, t.Rows, group, keyEnd], dtype, KeyIndex.device)
            .masked_fill_(hidden, double.NegativeInfinity).view(t.Segments, 1, t.Rows * group, keyEnd);      // [sc, 1, r·G, k]
        var bytes = bias.NumberOfElements * bias.ElementSize;
        if (_biasBytes + bytes > BiasCacheBytes)
            return bias.MoveToOuterDisposeScope();
        _biasBytes += bytes;
        _biases[(t, group, dtype)] = bias.DetachFromDisposeScope();
        return bias;
    }

    public void Dispose()
    {
        foreach (var t in new[] { KeySlots, KeyLimits, KeyIndex, QueryTokens, OutputRows, TokenIndices, _headRows }.Concat(_biases.Values))
            t?.Dispose();
        _biases.Clear();
    }

    private static Tensor Upload(long[] values, Device device, params long[] shape)
    {
        // The scope frees the flat handle when a view is returned; the view keeps the storage.
        using var scope = NewDisposeScope();
        var flat = tensor(values, device: device);
        return (shape.Length == 0 ? flat : flat.view(shape)).DetachFromDisposeScope();
    }
}
