namespace LlmOperator.Engine.Attention;

/// <summary>
/// Chunked local attention (Llama 4 RoPE layers) as "virtual batches", the construction of vLLM's
/// make_local_attention_virtual_batches: a query at position p sees keys [C·floor(p/C), p], so the new
/// tokens of a sequence are cut at chunk boundaries and each piece becomes its own causal, bottom-right
/// aligned segment whose keys start at the chunk start. Pure int arithmetic; no tensors.
/// </summary>
/// <remarks>
/// <code>
/// Worked example: C = 8, B = 4, one sequence with 5 computed + 9 new tokens (positions 5..13, 14 tokens,
/// so its block table holds at least ceil(14/4) = 4 columns [b0 b1 b2 b3]).
///
///   position  0 1 2 3 | 4 5 6 7 | 8 9 10 11 | 12 13
///   column    b0      | b1      | b2        | b3
///   chunk     0 ----------------- | 1 --------------------
///   state     c c c c   c q q q   | q q q  q    q  q        (c = already cached, q = new query)
///
///   virtual batch 0: chunk 0, queries 5..7  (QueryLength 3), keys 0..7  (KeyLength 8), columns 0..1
///   virtual batch 1: chunk 1, queries 8..13 (QueryLength 6), keys 8..13 (KeyLength 6), columns 2..3
///
///   query 6 = row 1 of batch 0 sees keys 0..KeyLimit(1) = 0..(8-3+1) = positions 0..6
///   query 8 = row 0 of batch 1 sees key  0..KeyLimit(0) = 0..(6-6+0) = position 8 only
/// </code>
/// Bound (why no column can leave the table): a virtual batch's keys end at its last query q_last ≤ c+n-1,
/// and KeyStart is a multiple of B because C % B == 0, so the last column read is
/// (KeyStart + KeyLength - 1) / B = q_last / B ≤ (c+n-1) / B &lt; ceil((c+n)/B) ≤ table length — the table
/// covers c+n tokens, which <see cref="AttentionSegments.Validate"/> checks up front, and
/// <see cref="AttentionSegments.Create"/> asserts again per batch. vLLM instead reads a fixed C/B columns
/// from KeyStart/B: with max_model_len = 10 the same sequence at 5 + 5 tokens has a 3-column row, and its
/// virtual batch 1 (keys 8..9) would read columns 2..3 — column 3 does not exist (issue #16274, clipped by
/// PR #16209). Reading only ceil(KeyLength/B) columns needs no clip, and works for max_model_len &lt; C, not a
/// multiple of C, mid-chunk resumes and many chunks in one step alike.
/// </remarks>
public static class LocalAttentionBatches
{
    /// <summary>Rejects a chunk size that the paged layout cannot serve.</summary>
    public static void ValidateChunkSize(int chunkSize, int blockSize)
    {
        if (chunkSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(chunkSize), chunkSize, "attention_chunk_size must be positive.");
        if (blockSize <= 0 || chunkSize % blockSize != 0)
            throw new ArgumentException($"attention_chunk_size {chunkSize} is not divisible by block size {blockSize}; choose a block size that divides the chunk size.", nameof(chunkSize));
    }

    /// <summary>The number of virtual batches: Σ over sequences of the chunks their new tokens touch.
    /// Per-step buffers are sized by this, not by requests × max chunks.</summary>
    public static int Count(IReadOnlyList<SequenceSlice> sequences, int chunkSize)
    {
        var count = 0L;
        foreach (var s in sequences)
            count += ChunkOf(s.ComputedTokens + s.NewTokens - 1, chunkSize) - ChunkOf(s.ComputedTokens, chunkSize) + 1;
        return checked((int)count);
    }

    /// <summary>The virtual batches of a step, in token order (sequence by sequence, chunk by chunk).</summary>
    public static AttentionSegment[] Build(IReadOnlyList<SequenceSlice> sequences, int blockSize, int chunkSize)
    {
        AttentionSegments.Validate(sequences, blockSize);
        ValidateChunkSize(chunkSize, blockSize);
        var segments = new AttentionSegment[Count(sequences, chunkSize)];
        int next = 0, queryStart = 0;
        for (var i = 0; i < sequences.Count; i++)
        {
            var s = sequences[i];
            int first = s.ComputedTokens, last = s.ComputedTokens + s.NewTokens - 1;
            for (var chunk = ChunkOf(first, chunkSize); chunk <= ChunkOf(last, chunkSize); chunk++)
            {
                var chunkStart = (int)(chunk * chunkSize);
                var from = Math.Max(first, chunkStart);
                var to = (int)Math.Min(last, chunkStart + (long)chunkSize - 1);
                segments[next++] = AttentionSegments.Create(i, queryStart + (from - first), to - from + 1,
                    chunkStart, to - chunkStart + 1, blockSize, s.BlockTable.Count);
            }
            queryStart += s.NewTokens;
        }
        return segments;
    }

    private static long ChunkOf(int position, int chunkSize) => position / chunkSize;
}
