using LlmOperator.Engine.Models;
using LlmOperator.Engine.Parallelism;
using static TorchSharp.torch;

namespace LlmOperator.Engine.Tests.Models;

/// <summary>
/// What a checkpoint must hold: every tensor name and shape the model reads, approved in <c>Approvals/</c>. Shapes
/// follow HF (linear weights [out, in]; fused experts gate_up_proj [E, hidden, 2·I], down_proj [E, I, hidden]).
/// </summary>
public sealed class ModelStructureTests
{
    [Theory]
    [InlineData(TestModels.TinyLlama4)]
    [InlineData(TestModels.TinyLlama)]
    public void Parameters_Should_MatchApprovedList_When_ModelIsBuilt(string model)
    {
        var read = new List<string>();
        var config = TestModels.Config(model);
        TensorLoader loader = (name, shape) =>
        {
            read.Add($"{name} [{string.Join(", ", shape)}]");
            return RandomWeights.Make(1, name, shape);
        };

        using var _ = new CausalLm(config, loader, TensorParallelGroup.Create(CPU, 1), ScalarType.Float32);

        string approved = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Models", "Approvals", $"{model}.approved.txt"));
        Assert.Equal(approved.Trim(), string.Join("\n", read));
    }

    [Theory]
    [InlineData(1, 8)]
    [InlineData(4, 2)]
    [InlineData(8, 1)]
    public void Scout_Should_ShardOnMetaDevice_When_TensorParallel(int tp, int kvHeadsPerRank)
    {
        var config = TestModels.Config(TestModels.Scout);
        var read = new Dictionary<string, long[]>();
        TensorLoader loader = (name, shape) =>
        {
            read[name] = shape;
            return empty(shape, device: META);
        };

        using var model = new CausalLm(config, loader, TensorParallelGroup.Create(META, tp), ScalarType.BFloat16);

        Assert.Equal(kvHeadsPerRank, model.KvHeadsPerRank);
        Assert.Equal(1 + 48 * (2 + 4 + 6) + 2, read.Count);
        Assert.Equal([16L, 5120, 16384], read["model.layers.0.feed_forward.experts.gate_up_proj"]);
        Assert.Equal([16L, 8192, 5120], read["model.layers.47.feed_forward.experts.down_proj"]);
        Assert.Equal([1024L, 5120], read["model.layers.3.self_attn.k_proj.weight"]);
        Assert.Equal([202048L, 5120], read["lm_head.weight"]);
    }
}
