using TorchSharp;
using static TorchSharp.torch;

namespace LlmOperator.Engine.KvCache;

/// <summary>
/// K and V per layer, each [numBlocks, blockSize, kvHeads, headDim], allocated once at start-up. Slot
/// <c>block · blockSize + offset</c> is row <c>slot</c> of the flat view [numBlocks·blockSize, kvHeads, headDim],
/// which is what attention writes with index_copy_ and reads with index_select. Zero-filled: padded key rows
/// of a batch may point at any slot, and their masked weight 0 times a finite value stays 0.
/// </summary>
public sealed class PagedKvCache : IDisposable
{
    private readonly Tensor[] _keys;
    private readonly Tensor[] _values;
    private readonly Tensor[] _keyRows;
    private readonly Tensor[] _valueRows;

    public PagedKvCache(int numLayers, int numBlocks, int blockSize, int numKvHeads, int headDim, ScalarType dtype, Device device)
    {
        Positive(numLayers, nameof(numLayers));
        Positive(numBlocks, nameof(numBlocks));
        Positive(blockSize, nameof(blockSize));
        Positive(numKvHeads, nameof(numKvHeads));
        Positive(headDim, nameof(headDim));
        (NumLayers, NumBlocks, BlockSize, NumKvHeads, HeadDim, Dtype, Device) = (numLayers, numBlocks, blockSize, numKvHeads, headDim, dtype, device);
        _keys = new Tensor[numLayers];
        _values = new Tensor[numLayers];
        _keyRows = new Tensor[numLayers];
        _valueRows = new Tensor[numLayers];
        for (var layer = 0; layer < numLayers; layer++)
        {
            // Detached: the cache outlives any dispose scope it happens to be created in; Dispose frees it.
            _keys[layer] = zeros([numBlocks, blockSize, numKvHeads, headDim], dtype, device).DetachFromDisposeScope();
            _values[layer] = zeros([numBlocks, blockSize, numKvHeads, headDim], dtype, device).DetachFromDisposeScope();
            _keyRows[layer] = _keys[layer].view(NumSlots, numKvHeads, headDim).DetachFromDisposeScope();
            _valueRows[layer] = _values[layer].view(NumSlots, numKvHeads, headDim).DetachFromDisposeScope();
        }
    }

    public int NumLayers { get; }
    public int NumBlocks { get; }
    public int BlockSize { get; }
    public int NumKvHeads { get; }
    public int HeadDim { get; }
    public ScalarType Dtype { get; }
    public Device Device { get; }

    /// <summary>Token slots in all blocks: numBlocks · blockSize.</summary>
    public long NumSlots => (long)NumBlocks * BlockSize;

    /// <summary>Bytes of K and V over all layers.</summary>
    public long SizeInBytes => 2L * NumLayers * NumSlots * NumKvHeads * HeadDim * _keys[0].ElementSize;

    /// <summary>Layer <paramref name="layer"/>'s keys, [numBlocks, blockSize, kvHeads, headDim].</summary>
    public Tensor Keys(int layer) => _keys[CheckLayer(layer)];

    /// <summary>Layer <paramref name="layer"/>'s values, [numBlocks, blockSize, kvHeads, headDim].</summary>
    public Tensor Values(int layer) => _values[CheckLayer(layer)];

    /// <summary>The same keys as rows by slot, [numBlocks·blockSize, kvHeads, headDim].</summary>
    public Tensor KeyRows(int layer) => _keyRows[CheckLayer(layer)];

    /// <summary>The same values as rows by slot, [numBlocks·blockSize, kvHeads, headDim].</summary>
    public Tensor ValueRows(int layer) => _valueRows[CheckLayer(layer)];

    /// <summary>Stores k and v ([T, kvHeads, headDim]) at <paramref name="slots"/> ([T] int64) of one layer.</summary>
    public void Write(int layer, Tensor slots, Tensor k, Tensor v)
    {
        CheckRows(k, slots, "k");
        CheckRows(v, slots, "v");
        using var scope = NewDisposeScope();
        KeyRows(layer).index_copy_(0, slots, k.dtype == Dtype ? k : k.to(Dtype));
        ValueRows(layer).index_copy_(0, slots, v.dtype == Dtype ? v : v.to(Dtype));
    }

    public void Dispose()
    {
        foreach (var t in _keyRows.Concat(_valueRows).Concat(_keys).Concat(_values))
            t?.Dispose();
    }

    private void CheckRows(Tensor x, Tensor slots, string name)
    {
        if (x.dim() != 3 || x.shape[0] != slots.shape[0] || x.shape[1] != NumKvHeads || x.shape[2] != HeadDim)
            throw new ArgumentException($"{name} has shape [{string.Join(", ", x.shape)}]; the KV cache stores [{slots.shape[0]}, {NumKvHeads}, {HeadDim}] for this step (tokens, kv heads, head dim).", name);
    }

    private int CheckLayer(int layer) =>
        (uint)layer < (uint)NumLayers ? layer : throw new ArgumentOutOfRangeException(nameof(layer), layer, $"The KV cache has layers 0..{NumLayers - 1}.");

    private static void Positive(int value, string name)
    {
        if (value <= 0)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.");
    }
}
