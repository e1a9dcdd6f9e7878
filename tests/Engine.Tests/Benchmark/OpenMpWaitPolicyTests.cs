using LlmOperator.Engine.Benchmark;

namespace LlmOperator.Engine.Tests.Benchmark;

/// <summary>The bench's --omp-wait-policy: checked values, and the same policy handed to the llama.cpp child.</summary>
public sealed class OpenMpWaitPolicyTests
{
    [Theory]
    [InlineData("passive", "passive")]
    [InlineData(" Active ", "active")]
    [InlineData("DEFAULT", "default")]
    public void Parse_Should_ReturnLowerCasePolicy_When_ValueIsKnown(string value, string expected) =>
        Assert.Equal(expected, OpenMpWaitPolicy.Parse(value));

    [Fact]
    public void Parse_Should_NameTheOptionAndTheValues_When_ValueIsUnknown()
    {
        var error = Assert.Throws<FormatException>(() => OpenMpWaitPolicy.Parse("sleepy"));
        Assert.Contains("--omp-wait-policy 'sleepy'", error.Message, StringComparison.Ordinal);
        Assert.Contains("passive, active, default", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ChildEnvironment_Should_AddUpperCasePolicyAndKeepBase_When_PolicyIsPassive()
    {
        var child = OpenMpWaitPolicy.ChildEnvironment(new Dictionary<string, string> { ["GGML_NO_BACKTRACE"] = "1" }, "passive");
        Assert.Equal("PASSIVE", child[OpenMpWaitPolicy.Variable]);
        Assert.Equal("1", child["GGML_NO_BACKTRACE"]);
    }

    [Fact]
    public void ChildEnvironment_Should_LeaveVariableUnset_When_PolicyIsDefault() =>
        Assert.False(OpenMpWaitPolicy.ChildEnvironment(new Dictionary<string, string>(), "default").ContainsKey(OpenMpWaitPolicy.Variable));
}
