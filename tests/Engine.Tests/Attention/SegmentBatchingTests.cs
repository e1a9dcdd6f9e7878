using LlmOperator.Engine.Attention;

namespace LlmOperator.Engine.Tests.Attention;

/// <summary>Which segments share a padded batch, and how long batches are tiled.</summary>
public sealed class SegmentBatchingTests
{
    [Fact]
    public void Plan_Should_UseOneGatherFreeBatch_When_SequencesDecodeTogether()
    {
        var sequences = Enumerable.Range(0, 32).Select(i => new SequenceSlice(100 + i, 1, Enumerable.Range(i * 10, 10).ToArray())).ToArray();

        var batch = Assert.Single(SegmentBatching.Plan(AttentionSegments.Global(sequences, 16), sequences, 16, 32));

        Assert.True(batch.IsIdentity);
        Assert.Equal((1, 132), (batch.QueryRows, batch.KeyRows));
    }

    [Fact]
    public void Plan_Should_KeepDecodesOutOfThePrefillBatch_When_TheStepIsMixed()
    {
        var sequences = new[] { new SequenceSlice(0, 512, Enumerable.Range(0, 32).ToArray()) }
            .Concat(Enumerable.Range(0, 31).Select(i => new SequenceSlice(300, 1, Enumerable.Range(32 + i * 19, 19).ToArray()))).ToArray();

        var batches = SegmentBatching.Plan(AttentionSegments.Global(sequences, 16), sequences, 16, 543);

        Assert.Equal(2, batches.Length);
        Assert.Equal((1, 512), (batches[0].Segments.Length, batches[0].QueryRows));
        Assert.Equal((31, 1), (batches[1].Segments.Length, batches[1].QueryRows));
    }

    [Fact]
    public void Plan_Should_TileQueries_When_ALongPromptWouldExceedTheScoreBudget()
    {
        // 8400 × 8400 scores × 4 heads × 4 B ≈ 1.1 GB: must be cut to ≤ 64 MB pieces covering every row once.
        var tiles = AttentionTiles.Plan(segments: 1, rows: 8400, keys: 8400, heads: 4, elementSize: 4, PagedAttention.DefaultScoreBudgetBytes);

        Assert.True(tiles.Count > 1);
        Assert.All(tiles, t => Assert.True((long)t.Segments * t.Rows * 8400 * 4 * 4 <= PagedAttention.DefaultScoreBudgetBytes));
        Assert.Equal(Enumerable.Range(0, 8400), tiles.SelectMany(t => Enumerable.Range(t.Row, t.Rows)));
    }

    [Fact]
    public void Plan_Should_CutSegments_When_OneRowOfEverySegmentExceedsTheBudget()
    {
        var tiles = AttentionTiles.Plan(segments: 10, rows: 2, keys: 100, heads: 2, elementSize: 4, budgetBytes: 3 * 800);

        Assert.All(tiles, t => Assert.True(t.Segments * t.Rows * 800 <= 3 * 800));
        Assert.Equal(20, tiles.Sum(t => t.Segments * t.Rows));
    }

    [Fact]
    public void KeyEnd_Should_ShrinkForEarlyRows_When_APrefillIsCausal()
    {
        var sequences = new[] { new SequenceSlice(10, 20, [0, 1, 2, 3, 4, 5, 6, 7]) };
        var batch = Assert.Single(SegmentBatching.Plan(AttentionSegments.Global(sequences, 4), sequences, 4, 20));

        Assert.Equal(11, batch.KeyEnd(0, 1, 0, 1));     // position 10 sees keys 0..10
        Assert.Equal(30, batch.KeyEnd(0, 1, 10, 10));   // position 29 sees keys 0..29
        Assert.True(batch.NeedsMask(0, 1, 0, 2, 12));
        Assert.False(batch.NeedsMask(0, 1, 19, 1, 30));
    }
}
