using LlmOperator.LocalCluster.Api.Tables;

namespace LlmOperator.LocalCluster.Tests.Api.Tables;

public sealed class HumanDurationTests
{
    [Theory]
    [InlineData(-5, "<invalid>")]
    [InlineData(-1, "0s")]
    [InlineData(0, "0s")]
    [InlineData(119, "119s")]
    [InlineData(120, "2m")]
    [InlineData(192, "3m12s")]
    [InlineData(600, "10m")]
    [InlineData(3 * 3600 - 1, "179m")]
    [InlineData(3 * 3600 + 120, "3h2m")]
    [InlineData(8 * 3600 + 59, "8h")]
    [InlineData(50 * 3600, "2d2h")]
    [InlineData(48 * 3600, "2d")]
    [InlineData(10 * 86400, "10d")]
    [InlineData(3 * 365 * 86400 + 86400 * 10, "3y10d")]
    [InlineData(9 * 365 * 86400, "9y")]
    public void Format_Should_MatchKubectl_When_GivenADuration(long seconds, string expected)
    {
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void Since_Should_SayUnknown_When_TimestampIsMissing()
    {
        Assert.Equal("<unknown>", HumanDuration.Since(null, DateTimeOffset.UtcNow));
    }
}
