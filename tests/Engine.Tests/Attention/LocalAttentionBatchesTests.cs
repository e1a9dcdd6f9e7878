using LlmOperator.Engine.Attention;

namespace LlmOperator.Engine.Tests.Attention;

/// <summary>The pure index construction of chunked-local virtual batches (no tensors).</summary>
public sealed class LocalAttentionBatchesTests
{
    [Fact]
    public void Build_Should_MatchWorkedExample_When_FiveComputedAndNineNew()
    {
        var segments = LocalAttentionBatches.Build([new SequenceSlice(5, 9, [10, 11, 12, 13])], blockSize: 4, chunkSize: 8);

        Assert.Equal(
        [
            new AttentionSegment(0, QueryStart: 0, QueryLength: 3, KeyStart: 0, KeyLength: 8, FirstBlockColumn: 0, BlockColumnCount: 2),
            new AttentionSegment(0, QueryStart: 3, QueryLength: 6, KeyStart: 8, KeyLength: 6, FirstBlockColumn: 2, BlockColumnCount: 2),
        ], segments);
        Assert.Equal(6, segments[0].KeyLimit(1));   // position 6 sees 0..6
        Assert.Equal(0, segments[1].KeyLimit(0));   // position 8 sees only itself
    }

    [Fact]
    public void Build_Should_MatchVllmDocstring_When_ThreeRequestsSpanSeveralChunks()
    {
        // vllm/v1/attention/backends/utils.py: C=4, B=2, q_seqlens=[4,10,5], kv_seqlens=[6,17,9].
        int[] queries = [4, 10, 5], totals = [6, 17, 9];
        var sequences = queries.Select((q, i) => new SequenceSlice(totals[i] - q, q, Enumerable.Range(0, 9).ToArray())).ToArray();

        var segments = LocalAttentionBatches.Build(sequences, blockSize: 2, chunkSize: 4);

        Assert.Equal([2, 2, 1, 4, 4, 1, 4, 1], segments.Select(s => s.QueryLength));
        Assert.Equal([4, 2, 4, 4, 4, 1, 4, 1], segments.Select(s => s.KeyLength));
        Assert.Equal([0, 4, 4, 8, 12, 16, 4, 8], segments.Select(s => s.KeyStart));
    }

    [Fact]
    public void Build_Should_GiveOneKey_When_DecodeStartsANewChunk()
    {
        // vLLM issue #21694: q=[1], seq=[5], C=4 → position 4 opens chunk 1 and sees only itself.
        var segment = Assert.Single(LocalAttentionBatches.Build([new SequenceSlice(4, 1, [0, 1, 2])], blockSize: 2, chunkSize: 4));

        Assert.Equal((4, 1, 1), (segment.KeyStart, segment.KeyLength, segment.QueryLength));
    }

    [Fact]
    public void Build_Should_KeepEveryColumnInTheTableAndMatchTheMask_When_ThousandsOfRandomSteps()
    {
        var rng = new Random(16274);
        for (var trial = 0; trial < 5000; trial++)
        {
            var step = RandomSteps.Next(rng);
            var local = LocalAttentionBatches.Build(step.Sequences, step.BlockSize, step.ChunkSize);
            var global = AttentionSegments.Global(step.Sequences, step.BlockSize);
            var context = $"trial {trial}: {step}";

            SegmentInvariants.AssertColumnsInTable(step, local, context);
            SegmentInvariants.AssertColumnsInTable(step, global, context);
            SegmentInvariants.AssertVisibleKeys(step, local, step.ChunkSize, context);
            SegmentInvariants.AssertVisibleKeys(step, global, null, context);
            SegmentInvariants.AssertBatchesServeEachTokenOnce(step, local, context);
            SegmentInvariants.AssertBatchesServeEachTokenOnce(step, global, context);
            var tokens = step.Sequences.Sum(s => s.NewTokens);
            // vLLM's bound for buffers sized by virtual batches (PR #50022): min(2·seqs + cdiv(T, C), T).
            Assert.True(local.Length <= Math.Min(2 * step.Sequences.Length + (tokens + step.ChunkSize - 1) / step.ChunkSize, tokens), context);
            Assert.Equal(local.Length, LocalAttentionBatches.Count(step.Sequences, step.ChunkSize));
        }
    }

    [Theory]
    [InlineData(8, 3)]
    [InlineData(6, 4)]
    [InlineData(4, 8)]
    public void ValidateChunkSize_Should_RejectChunk_When_NotAMultipleOfTheBlockSize(int chunk, int block)
    {
        var error = Assert.Throws<ArgumentException>(() => LocalAttentionBatches.Build([new SequenceSlice(0, 1, [0])], block, chunk));

        Assert.Contains($"attention_chunk_size {chunk} is not divisible by block size {block}", error.Message);
    }

    [Fact]
    public void Build_Should_NameTheSequence_When_ItsTableIsTooShort()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            LocalAttentionBatches.Build([new SequenceSlice(0, 4, [0]), new SequenceSlice(5, 4, [1, 2])], blockSize: 4, chunkSize: 8));

        Assert.Contains("sequences[1]", error.Message);
        Assert.Contains("EnsureCapacity", error.Message);
    }

    [Theory]
    [InlineData(-1, 1)]
    [InlineData(0, 0)]
    public void Build_Should_RejectSlice_When_CountsAreInvalid(int computed, int added)
    {
        var error = Assert.Throws<ArgumentException>(() => LocalAttentionBatches.Build([new SequenceSlice(computed, added, [0, 1])], 4, 8));

        Assert.Contains("sequences[0]", error.Message);
    }
}
