using LlmOperator.Engine.Attention;
using LlmOperator.Engine.KvCache;
using LlmOperator.Engine.Models;
using static TorchSharp.torch;

namespace LlmOperator.Engine.Execution;

/// <summary>One sequence's part of a step: where it stands in the cache, and the ids of its new tokens.</summary>
public sealed record StepInput(SequenceSlice Slice, IReadOnlyList<int> TokenIds);

/// <summary>Which logits a step returns.</summary>
public enum LogitsSelection
{
    /// <summary>One row per new token, in batch order (for checks and <c>--dump-logits</c>).</summary>
    AllTokens,

    /// <summary>One row per sequence, for its last new token (what sampling needs).</summary>
    LastTokenOfEachSequence,
}

/// <summary>
/// Batch → tensors → logits: builds the step's <see cref="AttentionMetadata"/> from the sequences' slices, runs the
/// model over all new tokens at once (prefill chunks and decode tokens of many sequences mixed), and returns the
/// logits the caller asked for. Owns one <see cref="PagedKvCache"/> per tensor-parallel rank, all indexed by the same
/// block ids, so one <see cref="BlockPool"/> and one block table per sequence serve every rank.
/// </summary>
public sealed class ModelRunner : IDisposable
{
    private readonly CausalLm _model;
    private readonly PagedKvCache[] _caches;
    private readonly int? _chunkSize;

    /// <param name="numBlocks">KV-cache blocks per rank (each holds <paramref name="blockSize"/> tokens of every layer).</param>
    public ModelRunner(CausalLm model, int numBlocks, int blockSize, ScalarType kvDtype)
    {
        _model = model;
        BlockSize = blockSize;
        var c = model.Config;
        _chunkSize = Enumerable.Range(0, c.NumHiddenLayers).Any(c.IsChunkedLocal) ? c.AttentionChunkSize : null;
        _caches = Enumerable.Range(0, model.Group.Size)
            .Select(r => new PagedKvCache(c.NumHiddenLayers, numBlocks, blockSize, model.KvHeadsPerRank, c.HeadDimension,
                kvDtype, model.Group.DeviceOf(r)))
            .ToArray();
        NumBlocks = numBlocks;
    }

    public int BlockSize { get; }

    public int NumBlocks { get; }

    public CausalLm Model => _model;

    /// <summary>Runs one step; returns float32 logits on the CPU: [total new tokens or sequences, vocab].</summary>
    public Tensor Run(IReadOnlyList<StepInput> batch, LogitsSelection selection)
    {
        Check(batch);
        using var scope = NewDisposeScope();
        var slices = batch.Select(b => b.Slice).ToList();
        var metadata = MetadataPerRank(slices);
        try
        {
            var ids = tensor(batch.SelectMany(b => b.TokenIds).Select(id => (long)id).ToArray(), device: _model.Group.Primary); // [T]
            var backend = new PagedAttentionBackend(metadata, _caches);
            var hidden = _model.Forward(ids, backend);                                         // [T, hidden]
            if (selection == LogitsSelection.LastTokenOfEachSequence)
                hidden = hidden.index_select(0, metadata[0].LastTokenIndices.to(hidden.device)); // [T, hidden] → [S, hidden]
            return _model.Logits(hidden).cpu().MoveToOuterDisposeScope();                    // [R, vocab]
        }
        finally
        {
            foreach (var m in metadata.Distinct())
                m.Dispose();
        }
    }

    /// <summary>One metadata per rank; ranks on the same device share one.</summary>
    private AttentionMetadata[] MetadataPerRank(IReadOnlyList<SequenceSlice> slices)
    {
        var byDevice = new Dictionary<string, AttentionMetadata>();
        var result = new AttentionMetadata[_caches.Length];
        for (int r = 0; r < _caches.Length; r++)
        {
            var device = _model.Group.DeviceOf(r);
            string key = device.ToString();
            if (!byDevice.TryGetValue(key, out var metadata))
                byDevice[key] = metadata = AttentionMetadata.Build(slices, BlockSize, _chunkSize, device);
            result[r] = metadata;
        }
        return result;
    }

    private void Check(IReadOnlyList<StepInput> batch)
    {
        if (batch.Count == 0) throw new ArgumentException("a step needs at least one sequence.");
        int vocab = _model.Config.VocabSize;
        for (int i = 0; i < batch.Count; i++)
        {
            var (slice, ids) = (batch[i].Slice, batch[i].TokenIds);
            if (ids.Count != slice.NewTokens || ids.Count == 0)
                throw new ArgumentException($"sequence {i}: {ids.Count} token ids for {slice.NewTokens} new tokens (need ≥ 1, equal).");
            foreach (int id in ids)
                if (id < 0 || id >= vocab)
                    throw new ArgumentException($"sequence {i}: token id {id} is outside the vocabulary [0, {vocab}).");
        }
    }

    public void Dispose()
    {
        foreach (var cache in _caches)
            cache.Dispose();
    }
}
