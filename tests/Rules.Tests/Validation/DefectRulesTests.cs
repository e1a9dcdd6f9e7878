using LlmOperator.Rules.Settings;
using LlmOperator.Rules.Validation;
using static LlmOperator.Rules.Tests.Validation.Scenario;

namespace LlmOperator.Rules.Tests.Validation;

public sealed class DefectRulesTests
{
    private static EngineSettings Vllm(string? version, long maxModelLen) =>
        Engine(tp: 4, maxModelLen: maxModelLen) with { Runtime = EngineRuntime.Vllm, RuntimeVersion = version };

    /// <summary>Unfixed vLLM is safe iff round_up(maxModelLen, 16) % 8192 == 0 (the reference's table).</summary>
    [Theory]
    [InlineData(4096, false)]
    [InlineData(8200, false)]
    [InlineData(8192, true)]
    [InlineData(16384, true)]
    [InlineData(8180, true)]    // rounds up to 8192 blocks: safe
    [InlineData(8176, false)]
    public void Validate_Should_ApplyBlockTableOverflowDefect_When_Vllm083(int maxModelLen, bool safe)
    {
        var report = Validate(Vllm("v0.8.3", maxModelLen));
        Assert.Equal(safe, report.IsValid);
        if (safe) return;
        var error = Assert.Single(report.Errors);
        Assert.Equal(RuleIds.KnownDefect, error.RuleId);
        Assert.Equal(Fields.MaxModelLen, error.Field);
        Assert.Contains("device-side assert triggered", error.Message);
        Assert.Contains("#16274", error.Message);
        Assert.Contains("0.8.4", error.Fix);
    }

    [Theory]
    [InlineData("0.8.4")]
    [InlineData("v0.9.2")]
    [InlineData("0.8.5.post1")]
    public void Validate_Should_Accept_When_VllmIncludesFix(string version) =>
        Assert.True(Validate(Vllm(version, 4096)).IsValid);

    [Fact]
    public void Validate_Should_CountReleaseCandidateOfFixAsAffected_When_Prerelease() =>
        Assert.Contains(RuleIds.KnownDefect, Validate(Vllm("0.8.4rc1", 4096)).ErrorIds());

    [Fact]
    public void Validate_Should_Warn_When_VllmVersionUnknown()
    {
        var report = Validate(Vllm("latest", 4096));
        Assert.True(report.IsValid);
        Assert.Equal(RuleIds.RuntimeVersionUnknown, Assert.Single(report.Warnings).RuleId);
    }

    [Fact]
    public void Validate_Should_RefuseLlama4_When_VllmPredatesSupport() =>
        Assert.Contains(RuleIds.KnownDefect, Validate(Vllm("0.8.2", 8192)).ErrorIds());

    [Fact]
    public void Validate_Should_IgnoreDefects_When_OwnEngine() =>
        Assert.True(Validate(Engine(tp: 4, maxModelLen: 4096) with { RuntimeVersion = "0.8.3" }).IsValid);
}
