using LlmOperator.Engine.Attention;

namespace LlmOperator.Engine.Tests.Attention;

/// <summary>
/// Regression for vLLM issue #16274 (Llama 4 Scout, C = 8192, max_model_len = 4096 → device-side index assert)
/// and #16157 (a 999,990-token request at max_model_len = 1,000,000). vLLM's unclipped code read C/B columns
/// from each virtual batch's first block, past the cdiv(max_model_len, B)-column row; ours reads
/// ceil(KeyLength/B) and must stay inside the row in exactly these shapes.
/// </summary>
public sealed class VllmIssue16274Tests
{
    private const int Chunk = 8192;

    [Theory]
    [InlineData(16, 4096)]
    [InlineData(64, 4096)]
    [InlineData(16, 8200)]
    [InlineData(64, 5000)]
    [InlineData(16, 1_000_000)]
    public void Build_Should_StayInsideTheRow_When_VllmUnclippedCodeOverflows(int block, int maxModelLen)
    {
        var width = (maxModelLen + block - 1) / block;           // vLLM's row: cdiv(max_model_len, B) columns
        int[] totals = [maxModelLen, maxModelLen - 1, maxModelLen - 10, Math.Min(maxModelLen, 4097), 1, maxModelLen / 2 + 3];
        var row = Enumerable.Range(0, width).ToArray();
        // Even entries decode their last token; odd ones prefill their last (up to) 3000 tokens, spanning chunks.
        var sequences = totals.Select((t, i) => i % 2 == 0
            ? new SequenceSlice(t - 1, 1, row)
            : new SequenceSlice(Math.Max(0, t - 3000), Math.Min(t, 3000), row)).ToArray();

        var segments = LocalAttentionBatches.Build(sequences, block, Chunk);

        Assert.All(segments, s => Assert.True(s.EndBlockColumn <= width, $"{s} reads past column {width - 1}"));
        // The same shapes overflow vLLM's unclipped construction (block_start + C/B columns), so this is the bug's scenario.
        Assert.Contains(segments, s => s.FirstBlockColumn + Chunk / block > width);
    }

    [Fact]
    public void Build_Should_KeepEveryRequestInRange_When_MaxModelLenIsHalfTheChunk()
    {
        // The worst case of #16274: every request lies in chunk 0 of a 256-column row, vLLM asked for 512.
        const int block = 16, maxModelLen = 4096;
        var row = Enumerable.Range(1000, maxModelLen / block).ToArray();
        var rng = new Random(4096);
        for (var trial = 0; trial < 500; trial++)
        {
            var sequences = Enumerable.Range(0, rng.Next(1, 9)).Select(_ =>
            {
                var total = rng.Next(1, maxModelLen + 1);
                var computed = rng.Next(0, total);
                return new SequenceSlice(computed, total - computed, row);
            }).ToArray();

            var segments = LocalAttentionBatches.Build(sequences, block, Chunk);

            Assert.Equal(sequences.Length, segments.Length);    // all in chunk 0: one virtual batch each
            Assert.All(segments, s => Assert.InRange(s.EndBlockColumn, 1, row.Length));
        }
    }

    [Fact]
    public void Forward_Should_MatchDenseReference_When_MaxModelLenIsBelowTheChunk()
    {
        // Tensor path at the issue's shape (C = 8192, B = 64, a 4096-token row), two sequences near the end.
        var row = Enumerable.Range(0, 4096 / 64).ToArray();
        var step = new StepCase(Chunk, 64, 4096,
            [new SequenceSlice(4000, 96, row), new SequenceSlice(4094, 1, row.Select(b => b + row.Length).ToArray())], NumBlocks: 2 * row.Length);

        Assert.True(AttentionHarness.MaxError(step, kvHeads: 1, group: 2, dim: 4, seed: 16274) <= 1e-5);
    }
}
