namespace LlmOperator.Engine.Attention;

/// <summary>
/// One attention problem of a step: a run of consecutive new tokens of one sequence (the queries) and the
/// contiguous run of that sequence's positions they may see (the keys). Every segment is causal and
/// bottom-right aligned: query <c>i</c> (0-based inside the segment) sees keys
/// <c>0 .. KeyLength - QueryLength + i</c>, so the last query sees the last key. A global layer has one
/// segment per sequence (keys from position 0); a chunked-local layer has one per (sequence, chunk touched),
/// vLLM's "virtual batches" (keys from the chunk start).
/// </summary>
/// <param name="SequenceIndex">Which <see cref="SequenceSlice"/> of the step this segment belongs to.</param>
/// <param name="QueryStart">Index of the first query in the step's flattened token dimension.</param>
/// <param name="QueryLength">Number of queries (≥ 1).</param>
/// <param name="KeyStart">Absolute position of the first key (a multiple of the block size).</param>
/// <param name="KeyLength">Number of keys (≥ QueryLength).</param>
/// <param name="FirstBlockColumn">The first block-table column the keys occupy: KeyStart / blockSize.</param>
/// <param name="BlockColumnCount">How many columns the keys occupy: ceil(KeyLength / blockSize).</param>
public readonly record struct AttentionSegment(
    int SequenceIndex, int QueryStart, int QueryLength, int KeyStart, int KeyLength, int FirstBlockColumn, int BlockColumnCount)
{
    /// <summary>One past the last block-table column read; provably ≤ the sequence's table length (see Build's checks).</summary>
    public int EndBlockColumn => FirstBlockColumn + BlockColumnCount;

    /// <summary>The highest key index (inside the segment) query <paramref name="row"/> may see.</summary>
    public int KeyLimit(int row) => KeyLength - QueryLength + row;
}
