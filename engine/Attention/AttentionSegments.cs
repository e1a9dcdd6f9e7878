namespace LlmOperator.Engine.Attention;

/// <summary>
/// Pure index arithmetic shared by global and chunked-local attention: input checks, the global segments
/// (one per sequence) and the cache slot of a position. No tensors, so it is tested on plain arrays.
/// </summary>
public static class AttentionSegments
{
    /// <summary>Rejects a step the attention cannot serve, naming the sequence and the fix.</summary>
    public static void Validate(IReadOnlyList<SequenceSlice> sequences, int blockSize)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (blockSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(blockSize), blockSize, "blockSize must be positive.");
        if (sequences.Count == 0)
            throw new ArgumentException("A step needs at least one sequence.", nameof(sequences));
        long tokens = 0;
        for (var i = 0; i < sequences.Count; i++)
        {
            var s = sequences[i] ?? throw new ArgumentException($"sequences[{i}] is null.", nameof(sequences));
            if (s.ComputedTokens < 0)
                throw new ArgumentException($"sequences[{i}].ComputedTokens is {s.ComputedTokens}; it must be ≥ 0.", nameof(sequences));
            if (s.NewTokens < 1)
                throw new ArgumentException($"sequences[{i}].NewTokens is {s.NewTokens}; schedule at least one token or leave the sequence out of the step.", nameof(sequences));
            var total = (long)s.ComputedTokens + s.NewTokens;
            var capacity = (long)s.BlockTable.Count * blockSize;
            if (total > int.MaxValue || capacity < total)
                throw new ArgumentException($"sequences[{i}]: its block table holds {s.BlockTable.Count} blocks × {blockSize} = {capacity} tokens but the step needs {total}; grow it with BlockTable.EnsureCapacity before building the metadata.", nameof(sequences));
            for (var c = 0; c < s.BlockTable.Count; c++)
                if (s.BlockTable[c] < 0)
                    throw new ArgumentException($"sequences[{i}].BlockTable[{c}] is {s.BlockTable[c]}; block ids are ≥ 0.", nameof(sequences));
            tokens += s.NewTokens;
        }
        if (tokens > int.MaxValue)
            throw new ArgumentException($"The step has {tokens} new tokens; at most {int.MaxValue} fit one step.", nameof(sequences));
    }

    /// <summary>
    /// Global (plain causal) layers: one segment per sequence, queries = its new tokens, keys = positions
    /// 0 .. c+n-1. Columns read: 0 .. ceil((c+n)/B)-1, within the table because it covers c+n tokens.
    /// </summary>
    public static AttentionSegment[] Global(IReadOnlyList<SequenceSlice> sequences, int blockSize)
    {
        Validate(sequences, blockSize);
        var segments = new AttentionSegment[sequences.Count];
        var queryStart = 0;
        for (var i = 0; i < sequences.Count; i++)
        {
            var s = sequences[i];
            segments[i] = Create(i, queryStart, s.NewTokens, 0, s.ComputedTokens + s.NewTokens, blockSize, s.BlockTable.Count);
            queryStart += s.NewTokens;
        }
        return segments;
    }

    /// <summary>
    /// Builds a segment and asserts the derived bound: the columns its keys occupy lie in [0, tableLength).
    /// Keys start on a block boundary (C % B == 0), so they occupy ceil(keyLength / B) columns from keyStart / B.
    /// </summary>
    internal static AttentionSegment Create(int sequence, int queryStart, int queryLength, int keyStart, int keyLength, int blockSize, int tableLength)
    {
        var firstColumn = keyStart / blockSize;
        var columnCount = (int)(((long)keyLength + blockSize - 1) / blockSize);
        if (keyStart % blockSize != 0 || queryLength < 1 || keyLength < queryLength || firstColumn + (long)columnCount > tableLength)
            throw new InvalidOperationException(
                $"Attention index bound violated for sequence {sequence}: keys {keyStart}..{keyStart + keyLength - 1} (block {blockSize}) " +
                $"need columns {firstColumn}..{firstColumn + columnCount - 1} of a {tableLength}-column table, queries {queryLength}. This is an engine bug.");
        return new AttentionSegment(sequence, queryStart, queryLength, keyStart, keyLength, firstColumn, columnCount);
    }

    /// <summary>The flat cache slot (block · B + offset) holding <paramref name="position"/> of a sequence.</summary>
    public static long Slot(IReadOnlyList<int> blockTable, int blockSize, int position)
    {
        var column = position / blockSize;
        if (position < 0 || column >= blockTable.Count)
            throw new InvalidOperationException($"Position {position} needs block-table column {column} of a {blockTable.Count}-column table. This is an engine bug.");
        return (long)blockTable[column] * blockSize + position % blockSize;
    }
}
