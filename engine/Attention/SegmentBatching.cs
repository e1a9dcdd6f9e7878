namespace LlmOperator.Engine.Attention;

/// <summary>
/// Decides which segments share one padded batch. Padding costs compute (a decode segment padded to a
/// 512-token prefill wastes 511 rows); every extra batch costs a fixed dozen TorchSharp ops per layer
/// (~10 µs each). Segments are sorted by (queries, keys) descending and cut into runs by a small dynamic
/// program that minimises Σ (overhead + padded query·key cells).
/// </summary>
public static class SegmentBatching
{
    /// <summary>
    /// One extra batch, in padded query·key cells: ~12 ops × 10 µs ≈ 120 µs, about what 2048 cells cost at
    /// ~16 query heads × 64 dims (QK and PV ≈ 4k flop per cell) on a couple of CPU cores.
    /// </summary>
    public const long BatchOverheadCells = 2048;

    /// <summary>How far back the dynamic program looks, keeping planning O(segments × window).</summary>
    private const int Window = 256;

    public static SegmentBatch[] Plan(AttentionSegment[] segments, IReadOnlyList<SequenceSlice> sequences, int blockSize, int stepTokens)
    {
        var order = Enumerable.Range(0, segments.Length)
            .OrderByDescending(i => segments[i].QueryLength).ThenByDescending(i => segments[i].KeyLength).ThenBy(i => i)
            .ToArray();
        var runs = CutRuns(order.Select(i => segments[i]).ToArray());
        var batches = new SegmentBatch[runs.Count];
        for (var r = 0; r < runs.Count; r++)
        {
            var (start, length) = runs[r];
            // Token order inside a batch, so one batch covering the whole step needs no gather.
            var members = order.Skip(start).Take(length).Order().Select(i => segments[i]).ToArray();
            batches[r] = new SegmentBatch(members, sequences, blockSize, stepTokens);
        }
        return batches;
    }

    /// <summary>Optimal cut of the sorted segments into contiguous runs: (start, length) pairs.</summary>
    internal static List<(int Start, int Length)> CutRuns(AttentionSegment[] sorted)
    {
        var n = sorted.Length;
        var best = new long[n + 1];
        var cut = new int[n + 1];
        for (var end = 1; end <= n; end++)
        {
            best[end] = long.MaxValue;
            long maxKeys = 0;
            for (var start = end - 1; start >= Math.Max(0, end - Window); start--)
            {
                maxKeys = Math.Max(maxKeys, sorted[start].KeyLength);
                // Sorted by queries descending, so the run's padded query count is its first segment's.
                var cost = best[start] + BatchOverheadCells + (long)(end - start) * sorted[start].QueryLength * maxKeys;
                if (cost < best[end])
                    (best[end], cut[end]) = (cost, start);
            }
        }
        var runs = new List<(int, int)>();
        for (var end = n; end > 0; end = cut[end])
            runs.Add((cut[end], end - cut[end]));
        runs.Reverse();
        return runs;
    }
}
