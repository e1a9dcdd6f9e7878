namespace LlmOperator.Charts.Tests;

public sealed class ChartLayoutTests
{
    [Fact]
    public void Chart_Should_HaveItsOwnFolder_When_TheRepositoryIsCheckedOut() =>
        Assert.True(Directory.Exists(RepositoryPaths.Of("charts", "llm-operator")), "charts/llm-operator/ is missing");
}
