using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Api.Tables;

namespace LlmOperator.LocalCluster.Tests.Api.Tables;

public sealed class PrinterColumnPathTests
{
    private static readonly JsonNode Doc = JsonNode.Parse("""
        {"metadata": {"annotations": {"a.b/c": "x"}},
         "status": {"replicas": 3, "conditions": [{"type": "Valid", "status": "True"}, {"type": "Ready", "status": "False"}],
                    "items": [{"n": 1}, {"n": 2}]}}
        """)!;

    [Theory]
    [InlineData(".status.replicas", "3")]
    [InlineData(".status.conditions[?(@.type==\"Ready\")].status", "False")]
    [InlineData(".status.conditions[?(@.type=='Valid')].status", "True")]
    [InlineData(".status.conditions[?(@.type!=\"Valid\")].type", "Ready")]
    [InlineData(".status.items[?(@.n==2)].n", "2")]
    [InlineData(".status.conditions[1].type", "Ready")]
    [InlineData(".status.conditions[-1].type", "Ready")]
    [InlineData(".status.conditions[*].type", "Valid,Ready")]
    [InlineData(".metadata.annotations['a.b/c']", "x")]
    [InlineData("{.status.replicas}", "3")]
    [InlineData(".status.missing.field", "")]
    public void Evaluate_Should_SelectValues_When_PathIsSimple(string path, string expected)
    {
        var values = PrinterColumnPath.Parse(path).Evaluate(Doc);

        Assert.Equal(expected, string.Join(",", values.Select(v => v?.ToString())));
    }

    [Theory]
    [InlineData("status.replicas")]
    [InlineData(".status[?(@.a > 1)]")]
    [InlineData(".status..replicas")]
    public void Parse_Should_Throw_When_PathIsNotSimple(string path)
    {
        var error = Assert.Throws<FormatException>(() => PrinterColumnPath.Parse(path));

        Assert.Contains(path, error.Message);
    }
}
