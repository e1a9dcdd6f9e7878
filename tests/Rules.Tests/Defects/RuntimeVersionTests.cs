using LlmOperator.Rules.Defects;

namespace LlmOperator.Rules.Tests.Defects;

public sealed class RuntimeVersionTests
{
    [Theory]
    [InlineData("v0.8.3", "0.8.3", false)]
    [InlineData("0.8.5.post1", "0.8.5", false)]
    [InlineData("0.9.0rc1", "0.9.0", true)]
    [InlineData("v0.8.3-cu124", "0.8.3", false)]
    [InlineData("1.2", "1.2.0", false)]
    public void Parse_Should_ReadVersion_When_TagIsVersioned(string text, string number, bool pre)
    {
        var v = RuntimeVersion.Parse(text)!;
        Assert.Equal(Version.Parse(number), v.Number);
        Assert.Equal(pre, v.IsPrerelease);
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("nightly")]
    [InlineData("")]
    [InlineData(null)]
    public void Parse_Should_ReturnNull_When_TagNamesNoVersion(string? text) => Assert.Null(RuntimeVersion.Parse(text));

    [Theory]
    [InlineData("vllm/vllm-openai:v0.8.3", "0.8.3")]
    [InlineData("registry.example.com:5000/vllm/vllm-openai:0.9.1", "0.9.1")]
    [InlineData("registry.example.com:5000/vllm/vllm-openai", null)]
    [InlineData("vllm/vllm-openai@sha256:abcd", null)]
    public void FromImage_Should_ReadTag_When_ImageHasOne(string image, string? number) =>
        Assert.Equal(number, RuntimeVersion.FromImage(image)?.Number.ToString());

    [Fact]
    public void CompareTo_Should_OrderPrereleaseBeforeRelease_When_SameNumber() =>
        Assert.True(RuntimeVersion.Parse("0.8.4rc1")!.CompareTo(RuntimeVersion.Parse("0.8.4")) < 0);
}
