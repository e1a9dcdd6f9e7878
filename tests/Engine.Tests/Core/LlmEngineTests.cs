using LlmOperator.Engine.Core;
using LlmOperator.Engine.Core.Requests;
using LlmOperator.Engine.Core.Sampling;
using static LlmOperator.Engine.Tests.Core.EngineRuns;

namespace LlmOperator.Engine.Tests.Core;

public sealed class LlmEngineTests(TinyChunkedModel model) : IClassFixture<TinyChunkedModel>
{
    // Mixed lengths: short, across one chunk boundary (C = 32), across two.
    private static readonly (int Prompt, int MaxTokens)[] Shapes = [(5, 6), (40, 5), (70, 8), (12, 12), (33, 4), (90, 6)];

    [Fact]
    public void Step_Should_GiveEveryRequestItsSoloOutput_When_RequestsShareSteps()
    {
        using var engine = model.Load();
        var inputs = Shapes.Select((s, i) => Greedy($"r{i}", Prompt(s.Prompt, i), s.MaxTokens)).ToList();
        var solo = inputs.ToDictionary(i => i.RequestId, i => Ids(Run(engine, [i])[i.RequestId]));

        var together = Run(engine, inputs);

        Assert.All(inputs, i => Assert.Equal(solo[i.RequestId], Ids(together[i.RequestId])));
        Assert.All(inputs, i => Assert.Equal(i.Sampling.MaxTokens, together[i.RequestId][^1].NumOutputTokens));
        Assert.Equal(engine.Cache.NumBlocks, engine.Cache.FreeBlocks);
    }

    [Fact]
    public void Step_Should_ProduceTheSameOutputs_When_ASmallCacheForcesPreemptions()
    {
        using var roomy = model.Load();
        using var tight = model.Load(blocks: 9);                        // 9 blocks of 16: fewer than two 90-token sequences
        var inputs = Shapes.Select((s, i) => Greedy($"p{i}", Prompt(s.Prompt, i + 10), s.MaxTokens + 10)).ToList();

        var expected = Run(roomy, inputs);
        var actual = Run(tight, inputs);

        Assert.True(tight.TotalPreemptions > 0, "the tight cache is meant to preempt");
        Assert.All(inputs, i => Assert.Equal(Ids(expected[i.RequestId]), Ids(actual[i.RequestId])));
        Assert.Equal(tight.Cache.NumBlocks, tight.Cache.FreeBlocks);
    }

    [Fact]
    public void Abort_Should_FreeTheRequestsBlocksAndEndItsStream_When_ItsClientGoesAway()
    {
        using var engine = model.Load();
        var inputs = Enumerable.Range(0, 4).Select(i => Greedy($"a{i}", Prompt(50, i), 30)).ToList();

        var outputs = Run(engine, inputs, (step, e) => { if (step == 4) { e.Abort("a1"); e.Abort("a3"); } });

        Assert.Null(outputs["a1"].LastOrDefault()?.FinishReason);
        Assert.Equal(FinishReason.Length, outputs["a0"][^1].FinishReason);
        Assert.Equal(engine.Cache.NumBlocks, engine.Cache.FreeBlocks);
    }

    [Fact]
    public void Step_Should_StopAtAStopTokenIdAndCountIt_When_TheModelEmitsIt()
    {
        using var engine = model.Load();
        var probe = Ids(Run(engine, [Greedy("probe", Prompt(10, 1), 6)])["probe"]);
        int third = probe[2];
        var stopping = new GenerationInput("stop", Prompt(10, 1), new SamplingParams { Temperature = 0, MaxTokens = 6, IgnoreEos = true, StopTokenIds = [third] });

        var outputs = Run(engine, [stopping])["stop"];

        Assert.Equal(FinishReason.Stop, outputs[^1].FinishReason);
        Assert.Equal(probe.IndexOf(third) + 1, outputs[^1].NumOutputTokens);
    }

    [Fact]
    public void Step_Should_DrawTheSameSeededTokens_When_OtherRequestsShareTheSteps()
    {
        using var engine = model.Load();
        var seeded = new GenerationInput("seeded", Prompt(20, 3), new SamplingParams { Temperature = 1.2, Seed = 1234, MaxTokens = 10, IgnoreEos = true, Logprobs = 0 });
        var alone = Ids(Run(engine, [seeded])["seeded"]);

        var crowd = Run(engine, [Greedy("x", Prompt(60, 4), 10), seeded, Greedy("y", Prompt(7, 5), 3)]);

        Assert.Equal(alone, Ids(crowd["seeded"]));
    }

    /// <summary>The chosen token ids (every run here asks for logprobs, which carry them).</summary>
    private static List<int> Ids(IEnumerable<LlmOperator.Engine.Core.Output.RequestOutput> outputs) => outputs.SelectMany(o => o.Logprobs).Select(l => l.Chosen.TokenId).ToList();
}
