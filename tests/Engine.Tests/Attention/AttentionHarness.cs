using LlmOperator.Engine.Attention;
using LlmOperator.Engine.KvCache;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmOperator.Engine.Tests.Attention;

/// <summary>
/// Runs one random step through the cache and <see cref="PagedAttention"/> (layer 0 global, layer 1 chunked
/// local) and returns the largest difference from <see cref="DenseAttention"/>. The whole cache is first
/// filled with noise, so reading any slot the step should not read shows up as an error.
/// </summary>
internal static class AttentionHarness
{
    public static double MaxError(StepCase step, int kvHeads, int group, int dim, int seed, long budget = PagedAttention.DefaultScoreBudgetBytes,
        ScalarType cacheDtype = ScalarType.Float32)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)seed);
        using var cache = new PagedKvCache(2, step.NumBlocks, step.BlockSize, kvHeads, dim, cacheDtype, CPU);
        for (var layer = 0; layer < 2; layer++)
        {
            cache.Keys(layer).copy_(randn(cache.Keys(layer).shape, generator: generator).to(cacheDtype));
            cache.Values(layer).copy_(randn(cache.Values(layer).shape, generator: generator).to(cacheDtype));
        }
        var seqs = step.Sequences;
        var fullKeys = seqs.Select(s => randn([s.ComputedTokens + s.NewTokens, kvHeads, dim], generator: generator)).ToArray();
        var fullValues = seqs.Select(s => randn([s.ComputedTokens + s.NewTokens, kvHeads, dim], generator: generator)).ToArray();
        for (var i = 0; i < seqs.Length; i++)
            WriteComputed(cache, seqs[i], step.BlockSize, fullKeys[i], fullValues[i]);
        var k = cat(seqs.Select((s, i) => fullKeys[i].narrow(0, s.ComputedTokens, s.NewTokens)).ToArray(), 0);    // [T, Hkv, D]
        var v = cat(seqs.Select((s, i) => fullValues[i].narrow(0, s.ComputedTokens, s.NewTokens)).ToArray(), 0);  // [T, Hkv, D]
        var q = randn([k.shape[0], kvHeads * group, dim], generator: generator);                                   // [T, Hq, D]
        var scale = 1 / Math.Sqrt(dim);
        using var metadata = AttentionMetadata.Build(seqs, step.BlockSize, step.ChunkSize, CPU);
        var error = 0.0;
        foreach (var (layer, chunk) in new[] { (0, (int?)null), (1, step.ChunkSize) })
        {
            var actual = PagedAttention.Forward(q, k, v, cache, layer, metadata, chunk is not null, scale, budget);
            var expected = cat(seqs.Select((s, i) => DenseAttention.Attend(q.narrow(0, Start(seqs, i), s.NewTokens),
                fullKeys[i], fullValues[i], s.ComputedTokens, chunk, scale)).ToArray(), 0);
            error = Math.Max(error, (actual.to(float64) - expected).abs().max().ToDouble());
        }
        return error;
    }

    private static void WriteComputed(PagedKvCache cache, SequenceSlice s, int blockSize, Tensor keys, Tensor values)
    {
        if (s.ComputedTokens == 0)
            return;
        var slots = tensor(Enumerable.Range(0, s.ComputedTokens).Select(p => AttentionSegments.Slot(s.BlockTable, blockSize, p)).ToArray());
        for (var layer = 0; layer < cache.NumLayers; layer++)
            cache.Write(layer, slots, keys.narrow(0, 0, s.ComputedTokens), values.narrow(0, 0, s.ComputedTokens));
    }

    private static int Start(SequenceSlice[] seqs, int index) => seqs.Take(index).Sum(s => s.NewTokens);
}
