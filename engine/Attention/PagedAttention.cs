using LlmOperator.Engine.KvCache;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmOperator.Engine.Attention;

/// <summary>
/// Attention over the paged KV cache for a mixed batch of prefill chunks and decode tokens. Per layer and
/// per segment batch: one index_select gathers the keys and one the values (slots built on the CPU), then a
/// few batched ops attend all segments at once; long batches are tiled so that no score tensor exceeds the
/// budget. No per-token or per-sequence loop runs on tensors.
/// </summary>
public static class PagedAttention
{
    /// <summary>The largest score tensor (segments × heads × query rows × keys) one tile materialises.</summary>
    public const long DefaultScoreBudgetBytes = 64L << 20;

    /// <summary>
    /// Writes this step's k and v into the cache (layer <paramref name="layer"/>) at the metadata's slots, then
    /// attends: global layers causally over [0, p], chunked-local layers over [C·floor(p/C), p].
    /// q: [T, Hq, D]; k, v: [T, Hkv, D] (Hq a multiple of Hkv: grouped-query). Returns [T, Hq, D].
    /// </summary>
    public static Tensor Forward(Tensor q, Tensor k, Tensor v, PagedKvCache cache, int layer,
        AttentionMetadata metadata, bool chunkedLocal, double scale) =>
        Forward(q, k, v, cache, layer, metadata, chunkedLocal, scale, DefaultScoreBudgetBytes);

    /// <inheritdoc cref="Forward(Tensor, Tensor, Tensor, PagedKvCache, int, AttentionMetadata, bool, double)"/>
    /// <param name="scoreBudgetBytes">The tile size bound: the most bytes one score tensor may take.</param>
    public static Tensor Forward(Tensor q, Tensor k, Tensor v, PagedKvCache cache, int layer,
        AttentionMetadata metadata, bool chunkedLocal, double scale, long scoreBudgetBytes)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(metadata);
        Check(q, cache, metadata);
        var layout = chunkedLocal
            ? metadata.Local ?? throw new ArgumentException("A chunked-local layer needs metadata built with attentionChunkSize.", nameof(chunkedLocal))
            : metadata.Global;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        cache.Write(layer, metadata.SlotMapping, k, v);
        // scaled_dot_product_attention divides by sqrt(D) itself and takes no scale here, so fold the rest into
        // q; the usual scale is exactly 1/sqrt(D), which needs no op at all.
        var factor = scale * Math.Sqrt(cache.HeadDim);
        var scaled = Math.Abs(factor - 1) < 1e-12 ? q : q.mul(factor);                 // [T, Hq, D]
        var first = layout.Batches[0];
        if (layout.Batches.Count == 1 && first.Plan.IsIdentity)
            return AttendBatch(scaled, cache, layer, first, scoreBudgetBytes).MoveToOuterDisposeScope();
        var output = empty_like(q);                                                    // [T, Hq, D]
        foreach (var batch in layout.Batches)
            output.index_copy_(0, batch.TokenIndices!, AttendBatch(scaled, cache, layer, batch, scoreBudgetBytes));
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>Attends one batch; returns [Tb, Hq, D] in the batch's token order (its TokenIndices).</summary>
    private static Tensor AttendBatch(Tensor scaled, PagedKvCache cache, int layer, DeviceSegmentBatch batch, long budget)
    {
        var plan = batch.Plan;
        int segments = plan.Segments.Length, rows = plan.QueryRows, keys = plan.KeyRows;
        int heads = (int)scaled.shape[1], kvHeads = cache.NumKvHeads, group = heads / kvHeads, dim = cache.HeadDim;
        var queries = batch.QueryTokens is null ? scaled : scaled.index_select(0, batch.QueryTokens);   // [S·Qmax, Hq, D]
        // The G query heads of a kv head become G rows per query, so one kv head serves them without
        // repeating keys, and a tile of queries is a contiguous narrow of rows. One row per segment (decode)
        // is already in that order.
        queries = rows == 1
            ? queries.view(segments, kvHeads, group, dim)                                               // [S, Hkv, G, D]
            : queries.view(segments, rows, kvHeads, group, dim).permute(0, 2, 1, 3, 4)
                .reshape(segments, kvHeads, rows * group, dim);                                         // [S, Hkv, Qmax·G, D]
        var gatheredKeys = ReadRows(cache.KeyRows(layer), batch, kvHeads, dim, scaled.dtype);                            // [S, Hkv, Kmax, D]
        var gatheredValues = ReadRows(cache.ValueRows(layer), batch, kvHeads, dim, scaled.dtype);                        // [S, Hkv, Kmax, D]
        var tiles = AttentionTiles.Plan(segments, rows, keys, heads, (int)scaled.ElementSize, budget);
        Tensor output;
        if (tiles.Count == 1)
            output = AttendTile(queries, gatheredKeys, gatheredValues, batch, tiles[0], group);
        else
        {
            output = empty(segments, kvHeads, rows * group, dim, scaled.dtype, scaled.device);          // [S, Hkv, Qmax·G, D]
            foreach (var t in tiles)
            {
                // Per tile, so a tile's mask and scores are freed before the next: the budget bounds the peak.
                using var tileScope = NewDisposeScope();
                output.narrow(0, t.Segment, t.Segments).narrow(2, t.Row * group, t.Rows * group)
                    .copy_(AttendTile(queries, gatheredKeys, gatheredValues, batch, t, group));
            }
        }
        output = rows == 1
            ? output.view(segments, heads, dim)                                                         // [S, Hq, D]
            : output.view(segments, kvHeads, rows, group, dim).permute(0, 2, 1, 3, 4)
                .reshape(segments * rows, heads, dim);                                                  // [S·Qmax, Hq, D]
        return batch.OutputRows is null ? output : output.index_select(0, batch.OutputRows);           // [Tb, Hq, D]
    }

    /// <summary>
    /// A batch's keys (or values) from the cache rows [slots, Hkv, D]: one index_select, or a view when they
    /// are consecutive; converted to the queries' dtype when the cache stores another (e.g. a bf16 cache).
    /// </summary>
    private static Tensor ReadRows(Tensor cacheRows, DeviceSegmentBatch batch, int kvHeads, int dim, ScalarType dtype)
    {
        int segments = batch.Plan.Segments.Length, keys = batch.Plan.KeyRows;
        var rows = batch.Plan.ContiguousKeySlot is { } first
            ? cacheRows.narrow(0, first, keys).permute(1, 0, 2).unsqueeze(0)                            // [1, Hkv, K, D] (strided view)
            : cacheRows.view(-1, dim).index_select(0, batch.HeadRows(kvHeads)).view(segments, kvHeads, keys, dim); // [S, Hkv, Kmax, D]
        return rows.dtype == dtype ? rows : rows.to(dtype);
    }

    private static Tensor AttendTile(Tensor queries, Tensor keys, Tensor values, DeviceSegmentBatch batch, AttentionTile t, int group)
    {
        // Causal: the tile's last rows bound the keys any of its queries may see.
        var keyEnd = batch.Plan.KeyEnd(t.Segment, t.Segments, t.Row, t.Rows);
        var whole = t.Segments == queries.shape[0] && t.Rows * group == queries.shape[2];
        var q = whole ? queries : queries.narrow(0, t.Segment, t.Segments).narrow(2, t.Row * group, t.Rows * group);  // [s, Hkv, r·G, D]
        var allKeys = whole && keyEnd == keys.shape[2];
        var k = allKeys ? keys : keys.narrow(0, t.Segment, t.Segments).narrow(2, 0, keyEnd);                          // [s, Hkv, k, D]
        var v = allKeys ? values : values.narrow(0, t.Segment, t.Segments).narrow(2, 0, keyEnd);                      // [s, Hkv, k, D]
        var bias = batch.Plan.NeedsMask(t.Segment, t.Segments, t.Row, t.Rows, keyEnd)
            ? batch.Bias(t, keyEnd, group, queries.dtype)                                               // [s, 1, r·G, k]
            : null;
        // One fused op (libtorch's CPU flash kernel) for scores, mask, softmax and the weighted sum.
        return nn.functional.scaled_dot_product_attention(q, k, v, bias);                              // [s, Hkv, r·G, D]
    }

    private static void Check(Tensor q, PagedKvCache cache, AttentionMetadata metadata)
    {
        var shape = q.shape;
        if (shape.Length != 3 || shape[0] != metadata.NumTokens || shape[2] != cache.HeadDim || shape[1] % cache.NumKvHeads != 0)
            throw new ArgumentException($"q has shape [{string.Join(", ", shape)}]; attention expects [{metadata.NumTokens}, Hq, {cache.HeadDim}] (tokens, query heads, head dim) with Hq a multiple of the {cache.NumKvHeads} kv heads.", nameof(q));
        if (metadata.BlockSize != cache.BlockSize)
            throw new ArgumentException($"The metadata was built for block size {metadata.BlockSize} but the KV cache uses {cache.BlockSize}.", nameof(metadata));
        if (metadata.MaxSlot >= cache.NumSlots)
            throw new ArgumentException($"The step reads cache slot {metadata.MaxSlot} but the KV cache has {cache.NumSlots} ({cache.NumBlocks} blocks × {cache.BlockSize}); a block table names a block the cache does not have.", nameof(metadata));
    }
}
