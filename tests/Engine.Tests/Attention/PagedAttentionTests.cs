using LlmOperator.Engine.Attention;
using LlmOperator.Engine.KvCache;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace LlmOperator.Engine.Tests.Attention;

/// <summary>The tensor side: paged attention against the dense reference with the explicit mask.</summary>
public sealed class PagedAttentionTests(ITestOutputHelper output)
{
    [Fact]
    public void Forward_Should_MatchDenseReference_When_RandomMixedBatches()
    {
        var rng = new Random(20250408);
        var worst = 0.0;
        for (var trial = 0; trial < 300; trial++)
        {
            var step = RandomSteps.Next(rng);
            int kvHeads = rng.Next(1, 3), group = rng.Next(1, 4), dim = rng.Next(2) == 0 ? 4 : 8;
            // A third of the cases force tiling (rows, and at the smallest budgets segments too).
            var budget = rng.Next(3) == 0 ? rng.Next(16, 4096) : PagedAttention.DefaultScoreBudgetBytes;
            var error = AttentionHarness.MaxError(step, kvHeads, group, dim, seed: trial, budget);
            Assert.True(error <= 1e-5, $"trial {trial}: {step} Hkv={kvHeads} G={group} D={dim} budget={budget}: max abs error {error}");
            worst = Math.Max(worst, error);
        }
        output.WriteLine($"worst max abs error over 300 steps: {worst:E2}");
    }

    [Fact]
    public void Forward_Should_ReadTheCacheInPlace_When_ALoneSequenceHasConsecutiveBlocks()
    {
        var step = new StepCase(8, 4, 40, [new SequenceSlice(17, 3, [3, 4, 5, 6, 7])], NumBlocks: 9);
        using var metadata = AttentionMetadata.Build(step.Sequences, 4, 8, CPU);

        Assert.Equal(12, Assert.Single(metadata.Global.Batches).Plan.ContiguousKeySlot);   // block 3, offset 0
        Assert.Equal(28, Assert.Single(metadata.Local!.Batches).Plan.ContiguousKeySlot);   // chunk [16, 24) starts in block 7
        Assert.True(AttentionHarness.MaxError(step, kvHeads: 2, group: 2, dim: 8, seed: 7) <= 1e-5);
    }

    [Fact]
    public void Forward_Should_AttendInTheQueryDtype_When_TheCacheStoresAnother()
    {
        var step = new StepCase(8, 4, 30, [new SequenceSlice(9, 5, [2, 0, 3, 1]), new SequenceSlice(3, 1, [4])], NumBlocks: 5);

        Assert.True(AttentionHarness.MaxError(step, kvHeads: 2, group: 2, dim: 4, seed: 11, cacheDtype: ScalarType.Float64) <= 1e-5);
    }

    [Fact]
    public void Forward_Should_Throw_When_ALocalLayerHasNoChunkSize()
    {
        using var cache = new PagedKvCache(1, 2, 4, 1, 4, ScalarType.Float32, CPU);
        using var metadata = AttentionMetadata.Build([new SequenceSlice(0, 2, [0])], 4, null, CPU);

        var error = Assert.Throws<ArgumentException>(() => PagedAttention.Forward(zeros(2, 2, 4), zeros(2, 1, 4), zeros(2, 1, 4), cache, 0, metadata, true, 0.5));

        Assert.Contains("attentionChunkSize", error.Message);
    }

    [Fact]
    public void Forward_Should_NameTheShape_When_QueriesDoNotMatchTheStep()
    {
        using var cache = new PagedKvCache(1, 2, 4, 2, 4, ScalarType.Float32, CPU);
        using var metadata = AttentionMetadata.Build([new SequenceSlice(0, 2, [0])], 4, null, CPU);

        var error = Assert.Throws<ArgumentException>(() => PagedAttention.Forward(zeros(2, 3, 4), zeros(2, 2, 4), zeros(2, 2, 4), cache, 0, metadata, false, 0.5));

        Assert.Contains("q has shape [2, 3, 4]", error.Message);
    }

    [Fact]
    public void Forward_Should_Throw_When_ATableNamesABlockTheCacheLacks()
    {
        using var cache = new PagedKvCache(1, 2, 4, 1, 4, ScalarType.Float32, CPU);
        using var metadata = AttentionMetadata.Build([new SequenceSlice(0, 2, [5])], 4, null, CPU);

        var error = Assert.Throws<ArgumentException>(() => PagedAttention.Forward(zeros(2, 1, 4), zeros(2, 1, 4), zeros(2, 1, 4), cache, 0, metadata, false, 0.5));

        Assert.Contains("slot 21", error.Message);
    }

    [Fact]
    public void Forward_Should_LeaveNoTensorBehind_When_CalledInAScope()
    {
        using var cache = new PagedKvCache(2, 8, 4, 1, 4, ScalarType.Float32, CPU);
        using var metadata = AttentionMetadata.Build([new SequenceSlice(3, 9, [0, 1, 2]), new SequenceSlice(0, 1, [5])], 4, 8, CPU);
        using var q = randn(10, 2, 4);
        using var kv = randn(10, 1, 4);
        PagedAttention.Forward(q, kv, kv, cache, 0, metadata, false, 0.5).Dispose();  // the first calls build the per-step
        PagedAttention.Forward(q, kv, kv, cache, 1, metadata, true, 0.5).Dispose();   // caches the metadata owns
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        for (var i = 0; i < 5; i++)
            PagedAttention.Forward(q, kv, kv, cache, i % 2, metadata, i % 2 == 1, 0.5).Dispose();

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
