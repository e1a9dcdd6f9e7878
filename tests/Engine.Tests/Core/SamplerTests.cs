using LlmOperator.Engine.Core.Sampling;

namespace LlmOperator.Engine.Tests.Core;

public sealed class SamplerTests
{
    private static readonly float[] Logits = [1.0f, 3.0f, 2.5f, -1.0f, 3.0f, 0.5f];

    [Fact]
    public void Sample_Should_PickTheLowestIdOfTheLargestLogit_When_TemperatureIsZero()
    {
        var token = Sampler.Sample(Logits, new SamplingParams { Temperature = 0 }, new Random(1));

        Assert.Equal(1, token.TokenId);
    }

    [Fact]
    public void Sample_Should_DrawTheSameTokens_When_TheSeedIsTheSame()
    {
        var p = new SamplingParams { Temperature = 1.5, Seed = 42 };
        int[] Draw() { var random = new Random(42); return Enumerable.Range(0, 50).Select(_ => Sampler.Sample(Logits, p, random).TokenId).ToArray(); }

        var (first, second) = (Draw(), Draw());

        Assert.Equal(first, second);
        Assert.True(first.Distinct().Count() > 1, "temperature 1.5 over these logits should not always pick one token");
    }

    [Fact]
    public void Sample_Should_OnlyDrawFromTheTopK_When_TopKIsSet()
    {
        var p = new SamplingParams { Temperature = 5, TopK = 3 };
        var random = new Random(3);

        var drawn = Enumerable.Range(0, 300).Select(_ => Sampler.Sample(Logits, p, random).TokenId).ToHashSet();

        Assert.Equal(new HashSet<int> { 1, 2, 4 }, drawn);
    }

    [Fact]
    public void Sample_Should_KeepOnlyTheMostLikelyToken_When_TopPIsTiny()
    {
        var p = new SamplingParams { Temperature = 1, TopP = 0.01 };
        var random = new Random(9);

        var drawn = Enumerable.Range(0, 50).Select(_ => Sampler.Sample(Logits, p, random).TokenId).ToHashSet();

        Assert.Equal(new HashSet<int> { 1 }, drawn);
    }

    [Fact]
    public void Sample_Should_ReturnLogSoftmaxOfTheChosenTokenAndTheBestAlternatives_When_LogprobsAreAsked()
    {
        var token = Sampler.Sample(Logits, new SamplingParams { Temperature = 0, Logprobs = 3 }, new Random(1));

        double expected = Math.Log(Math.Exp(3.0) / Logits.Sum(v => Math.Exp(v)));
        Assert.Equal(expected, token.Logprob, 5);
        Assert.Equal([1, 4, 2], token.Top.Select(t => t.TokenId));
        Assert.Equal(1.0, Logits.Select((_, i) => Math.Exp(Logits[i] - Sampler.LogSumExp(Logits))).Sum(), 6);
    }
}
