using LlmOperator.Engine.Models;
using static TorchSharp.torch;

namespace LlmOperator.Engine.Tests.Models;

/// <summary>
/// Sharding heads, MLP and expert widths and the vocabulary over N ranks (run one after another on the CPU) gives the
/// logits of the unsharded model. Dense reference attention, so this checks the model's sharding alone.
/// </summary>
public sealed class TensorParallelTests
{
    /// <summary>Chunk 8 and floor_scale 8, so 40 tokens cross chunk boundaries and switch temperature tuning on.</summary>
    internal static ModelConfig SmallChunkLlama4() => TestModels.Config(TestModels.TinyLlama4, c =>
    {
        c.AttentionChunkSize = 8;
        c.FloorScale = 8;
    });

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Logits_Should_EqualUnsharded_When_Llama4IsTensorParallel(int tp) =>
        AssertSameLogits(SmallChunkLlama4(), tp);

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Logits_Should_EqualUnsharded_When_LlamaIsTensorParallel(int tp) =>
        AssertSameLogits(TestModels.Config(TestModels.TinyLlama), tp);

    private static void AssertSameLogits(ModelConfig config, int tp)
    {
        const int tokens = 40;
        var ids = Enumerable.Range(0, tokens).Select(i => (long)(i * 37 % config.VocabSize)).ToArray();

        using var expected = DenseLogits(config, 1, ids);
        using var actual = DenseLogits(config, tp, ids);

        Assert.Equal(expected.shape, actual.shape);
        float maxDiff = (actual - expected).abs().max().item<float>();
        Assert.True(maxDiff <= 1e-4, $"TP {tp}: max |Δlogit| = {maxDiff}");
    }

    internal static Tensor DenseLogits(ModelConfig config, int tp, long[] ids)
    {
        using var model = TestModels.Build(config, tp);
        using var attention = new DenseReferenceAttention(ids.Length, config.AttentionChunkSize);
        using var input = tensor(ids);
        using var hidden = model.Forward(input, attention);
        return model.Logits(hidden);
    }
}
