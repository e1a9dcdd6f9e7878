namespace LlmOperator.Charts.Tests.Observability;

public sealed class PromQlMetricNamesTests
{
    [Theory]
    [InlineData("histogram_quantile(0.99, sum by (le) (rate(a_seconds_bucket{job=\"x\", le!=\"1\"}[$__rate_interval])))", "a_seconds_bucket")]
    [InlineData("sum(rate(vllm:prompt_tokens_total{model_name=~\"$model\"}[5m])) by (model_name)", "vllm:prompt_tokens_total")]
    [InlineData("a / on (namespace) group_left(pod) b offset 5m", "a b")]
    [InlineData("max(up{job=\"j\"}) == 0 or absent(up{job=\"j\"})", "up")]
    [InlineData("x > bool 1 unless ignoring(a, b) y and z", "x y z")]
    [InlineData("label_replace(m{a=\"}{\"}, \"dst\", \"$1\", \"src\", \"(.*)\")", "m")]
    [InlineData("sum without (pod) (m1) + 1e3 * .5 - count by(x)(m2)", "m1 m2")]
    public void Of_Should_FindOnlyMetricNames_When_TheExpressionHasFunctionsLabelsAndKeywords(string expr, string expected) =>
        Assert.Equal(expected.Split(' '), PromQlMetricNames.Of(expr));

    [Theory]
    [InlineData("rate(a[5m]")]
    [InlineData("a{b=\"c\"")]
    [InlineData("histogram_quantil(0.5, a)")]
    [InlineData("sum(a))")]
    public void Of_Should_Refuse_When_PrometheusWouldNotParseIt(string expr) =>
        Assert.Throws<FormatException>(() => PromQlMetricNames.Of(expr));

    [Fact]
    public void Selectors_Should_NameTheLabelsOfEachMetricsMatchers_When_TheyHaveBraces()
    {
        var selectors = PromQlMetricNames.Selectors("sum by (le) (rate(a_bucket{job=\"x\", le!=\"1,}\"}[5m])) / on (c) b{c=~\"$d\"} + c");

        Assert.Equal([("a_bucket", "job le"), ("b", "c"), ("c", "")], selectors.Select(s => (s.Metric, string.Join(' ', s.Labels))));
    }
}
