namespace LlmOperator.Engine.Attention;

/// <summary>
/// Segments attended together with one set of batched ops: every segment padded to
/// <see cref="QueryRows"/> queries and <see cref="KeyRows"/> keys. Pure arrays built on the CPU; the
/// tensor side (<see cref="AttentionLayout"/>) uploads them once per step and reuses them in every layer.
/// </summary>
public sealed class SegmentBatch
{
    internal SegmentBatch(AttentionSegment[] segments, IReadOnlyList<SequenceSlice> sequences, int blockSize, int stepTokens)
    {
        Segments = segments;
        QueryRows = segments.Max(s => s.QueryLength);
        KeyRows = segments.Max(s => s.KeyLength);
        QueryTokens = new long[segments.Length * QueryRows];
        KeyLimits = new long[segments.Length * QueryRows];
        KeySlots = new long[segments.Length * KeyRows];
        TokenCount = segments.Sum(s => s.QueryLength);
        OutputRows = new long[TokenCount];
        TokenIndices = new long[TokenCount];
        Fill(sequences, blockSize);
        IsIdentity = TokenCount == stepTokens && QueryTokens.Length == stepTokens && IsRun(QueryTokens);
        ContiguousKeySlot = segments.Length == 1 && IsRun(KeySlots) ? KeySlots[0] : null;
    }

    public AttentionSegment[] Segments { get; }

    /// <summary>Queries per segment after padding (the longest segment's).</summary>
    public int QueryRows { get; }

    /// <summary>Keys per segment after padding (the longest segment's).</summary>
    public int KeyRows { get; }

    /// <summary>New tokens served by this batch.</summary>
    public int TokenCount { get; }

    /// <summary>[segments·QueryRows]: the flattened-token index each padded query row reads (padding repeats a real token).</summary>
    public long[] QueryTokens { get; }

    /// <summary>[segments·QueryRows]: the highest key index each row may see; padded rows see all (their output is dropped).</summary>
    public long[] KeyLimits { get; }

    /// <summary>[segments·KeyRows]: the cache slot of each padded key row (padding repeats the segment's first key, which is real, finite data; it is masked).</summary>
    public long[] KeySlots { get; }

    /// <summary>[TokenCount]: the padded row holding each served token's output …</summary>
    public long[] OutputRows { get; }

    /// <summary>[TokenCount]: … and that token's index in the step's flattened token dimension.</summary>
    public long[] TokenIndices { get; }

    /// <summary>
    /// The first slot when the batch is one segment whose keys sit in consecutive cache slots (a sequence whose
    /// blocks happen to be consecutive, as the pool hands them out to a lone growing sequence): attention then
    /// reads the cache in place instead of gathering it. Null otherwise.
    /// </summary>
    public long? ContiguousKeySlot { get; }

    /// <summary>True when the padded rows are exactly the step's tokens 0..T-1 in order: no gather or scatter needed.</summary>
    public bool IsIdentity { get; }

    /// <summary>One past the highest key index any real query in segments [s0, s0+sc) × rows [q0, q0+qc) may see.</summary>
    public int KeyEnd(int s0, int sc, int q0, int qc)
    {
        var end = 1;
        for (var s = s0; s < s0 + sc; s++)
        {
            var lastRow = Math.Min(q0 + qc, Segments[s].QueryLength) - 1;
            if (lastRow >= q0)
                end = Math.Max(end, Segments[s].KeyLimit(lastRow) + 1);
        }
        return end;
    }

    /// <summary>Whether some real query in the tile is barred from one of the first <paramref name="keyEnd"/> keys.</summary>
    public bool NeedsMask(int s0, int sc, int q0, int qc, int keyEnd)
    {
        for (var s = s0; s < s0 + sc; s++)
            if (q0 < Segments[s].QueryLength && Segments[s].KeyLimit(q0) < keyEnd - 1)
                return true; // KeyLimit grows with the row, so the tile's first row is the most restricted
        return false;
    }

    /// <summary>Whether the values are first, first + 1, first + 2, …</summary>
    private static bool IsRun(long[] values)
    {
        for (var i = 1; i < values.Length; i++)
            if (values[i] != values[0] + i)
                return false;
        return true;
    }

    private void Fill(IReadOnlyList<SequenceSlice> sequences, int blockSize)
    {
        var served = 0;
        for (var s = 0; s < Segments.Length; s++)
        {
            var seg = Segments[s];
            var table = sequences[seg.SequenceIndex].BlockTable;
            for (var row = 0; row < QueryRows; row++)
            {
                var padded = s * QueryRows + row;
                var real = row < seg.QueryLength;
                QueryTokens[padded] = seg.QueryStart + (real ? row : 0);
                KeyLimits[padded] = real ? seg.KeyLimit(row) : KeyRows - 1;
                if (!real)
                    continue;
                OutputRows[served] = padded;
                TokenIndices[served++] = seg.QueryStart + row;
            }
            for (var key = 0; key < KeyRows; key++)
                KeySlots[s * KeyRows + key] = AttentionSegments.Slot(table, blockSize, seg.KeyStart + (key < seg.KeyLength ? key : 0));
        }
    }
}
