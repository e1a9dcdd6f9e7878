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
        var sw = System.Diagnostics.Stopwatch.StartNew();
        for (var trial = 0; trial < 300; trial++)
        {
            var step = RandomSteps.Next(rng);
            int kvHeads = rng.Next(1, 3), group = rng.Next(1, 4), dim = rng.Next(2) == 0 ? 4 : 8;
            // A third of the cases force tiling (rows, and at the smallest budgets segments too).
            var budget = rng.Next(3) == 0 ? rng.Next(16, 4096) : PagedAttention.DefaultScoreBudgetBytes;
            var error = AttentionHarness.MaxError(step, kvHeads, group, dim, seed: trial, budget);
            Assert.True(error <= 1e-5, $"trial {trial}: {step} Hkv={kvHeads} G={group} D={dim} budget={budget}: max abs error {error}");
            worst = Math.Max(worst, error);
            if (trial < 3 || trial % 50 == 0) output.WriteLine($"{trial}: {sw.ElapsedMilliseconds} ms {step}");
        }
        output.WriteLine($"worst max abs error over 300 steps: {worst:E2}");
    }
}
