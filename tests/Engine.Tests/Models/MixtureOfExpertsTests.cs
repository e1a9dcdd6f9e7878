using LlmOperator.Engine.Models;
using LlmOperator.Engine.Models.Layers;
using LlmOperator.Engine.Parallelism;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace LlmOperator.Engine.Tests.Models;

/// <summary>
/// The routed MoE against HF <c>Llama4TextMoe</c>'s literal formulation: every expert runs on every token, with the
/// input scaled by sigmoid of a score matrix that is −∞ outside the top-k, then summed, plus the shared expert.
/// </summary>
public sealed class MixtureOfExpertsTests
{
    private const string Prefix = "model.layers.1.feed_forward";

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(1, 2)]
    [InlineData(4, 4)]
    public void Forward_Should_EqualHfFormulation_When_RoutingTopK(int topK, int tensorParallelSize)
    {
        var config = TestModels.Config(TestModels.TinyLlama4, c => c.NumExpertsPerTok = topK);
        var group = TensorParallelGroup.Create(CPU, tensorParallelSize);
        var load = RandomWeights.Loader(seed: 7);
        using var moe = new MixtureOfExperts(new ShardedWeights(load, group, ScalarType.Float32), config, Prefix);
        using var x = randn(new long[] { 13, config.HiddenSize }, generator: new Generator(3));

        var routes = moe.Route(x);
        using var actual = group.AllReduce(Enumerable.Range(0, tensorParallelSize).Select(r => moe.Forward(r, x, routes)).ToArray());
        using var expected = HfMoe(x, config, load);

        Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-5), $"max |Δ| = {(actual - expected).abs().max().item<float>()}");
        foreach (var route in routes) route.Dispose();
    }

    private static Tensor HfMoe(Tensor x, ModelConfig c, TensorLoader load)
    {
        using var scope = NewDisposeScope();
        long e = c.NumLocalExperts, h = c.HiddenSize, i = c.IntermediateSize, t = x.shape[0];
        var router = load($"{Prefix}.router.weight", [e, h]);
        var gateUp = load($"{Prefix}.experts.gate_up_proj", [e, h, 2 * i]);
        var down = load($"{Prefix}.experts.down_proj", [e, i, h]);
        var logits = linear(x, router);                                                   // [T, E]
        var (top, indices) = logits.topk(c.NumExpertsPerTok, dim: 1);
        var scores = full_like(logits, double.NegativeInfinity).scatter(1, indices, top).sigmoid(); // [T, E]
        var routedIn = x.repeat(e, 1) * scores.transpose(0, 1).reshape(-1, 1);            // [E·T, hidden]
        var gu = bmm(routedIn.view(e, t, h), gateUp).chunk(2, -1);                        // [E, T, I] × 2
        var routedOut = bmm(gu[1] * silu(gu[0]), down);                                  // [E, T, hidden]
        var shared = linear(silu(linear(x, load($"{Prefix}.shared_expert.gate_proj.weight", [i, h])))
                            * linear(x, load($"{Prefix}.shared_expert.up_proj.weight", [i, h])),
            load($"{Prefix}.shared_expert.down_proj.weight", [h, i]));
        return (shared + routedOut.sum(dim: 0)).MoveToOuterDisposeScope();   // dim named: a bare 0 would bind to sum(ScalarType)
    }
}
