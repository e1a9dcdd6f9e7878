using LlmOperator.Rules.Settings;
using LlmOperator.Rules.Validation;
using static LlmOperator.Rules.Tests.Validation.Scenario;

namespace LlmOperator.Rules.Tests.Validation;

public sealed class MemoryRulesTests
{
    [Fact]
    public void Validate_Should_RejectWithTokensThatFit_When_WeightsLeaveTooLittleKvCache()
    {
        // Scout in bf16 is ~108 B parameters: at TP 4 about 50 GiB per GPU, leaving ~20 GiB of an 80 GiB GPU.
        var error = Assert.Single(Validate(Engine(tp: 4, maxModelLen: 1_000_000)).Errors);
        Assert.Equal(RuleIds.KvCacheCapacity, error.RuleId);
        Assert.Equal(Fields.MaxModelLen, error.Field);
        Assert.Matches(@"holds [\d,]+ tokens", error.Message);
        Assert.Contains("48 KiB per token", error.Message);   // 48 layers × 2 × 2 KV heads × 128 × 2 bytes
        Assert.Contains("lower maxModelLen to at most", error.Fix);
        Assert.Contains("tensorParallelSize 8", error.Fix);
    }

    [Fact]
    public void Validate_Should_SayWeightsDoNotFit_When_TpTooSmall()
    {
        var error = Assert.Single(Validate(Engine(tp: 2, maxModelLen: 8192)).Errors);
        Assert.Equal(RuleIds.KvCacheCapacity, error.RuleId);
        Assert.Contains("weights alone do not fit", error.Message);
        Assert.Contains("tensorParallelSize 4, 8", error.Fix);
    }

    [Fact]
    public void Validate_Should_SkipCapacity_When_GpuMemoryUnknown()
    {
        var report = DeploymentRules.Validate(Scout, Engine(tp: 1, maxModelLen: 8192), new GpuInventory(null, null));
        Assert.True(report.IsValid, string.Join("\n", report.Errors));
    }

    [Fact]
    public void Estimate_Should_CountScoutParameters_When_ReadFromCatalog()
    {
        // Scout has 109 B parameters with its vision tower; the text model alone is ~107.8 B.
        Assert.InRange(Scout.ParameterCount, 107_000_000_000, 109_000_000_000);
        Assert.InRange(Maverick.ParameterCount, 395_000_000_000, 402_000_000_000);
        Assert.InRange(Llama8B.ParameterCount, 8_000_000_000, 8_100_000_000);
    }

    [Fact]
    public void Estimate_Should_ReplicateKvHeads_When_TpExceedsThem()
    {
        long perToken = MemoryEstimate.KvBytesPerTokenPerRank(Scout, 16, 2);
        Assert.Equal(48L * 2 * 1 * 128 * 2, perToken);
        Assert.Equal(48L * 2 * 8 * 128 * 2, MemoryEstimate.KvBytesPerTokenPerRank(Scout, 1, 2));
    }
}
