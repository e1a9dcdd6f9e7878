using System.Text.Json.Nodes;
using LlmOperator.Charts.Tests.Yaml;

namespace LlmOperator.Charts.Tests.Values;

public sealed class ValuesKeysTests
{
    [Fact]
    public void Mismatches_Should_BeNone_When_TheChartsSchemaAndValuesAreCompared() =>
        Assert.Empty(ValuesKeys.Mismatches(ChartFiles.Schema, ChartFiles.Values));

    [Fact]
    public void Mismatches_Should_NameBothSides_When_AKeyIsOnlyInOne()
    {
        var schema = JsonNode.Parse("""
            {"properties": {"webhook": {"type": "object", "properties": {"port": {"$ref": "#/definitions/port"}, "timeoutSeconds": {}}}},
             "definitions": {"port": {"type": "integer"}}}
            """)!;
        var values = YamlJson.Single("webhook: {port: 9443, timeoutSecond: 10}", "values");

        var problems = ValuesKeys.Mismatches(schema, values);

        Assert.Equal(2, problems.Count);
        Assert.Contains("values.yaml has webhook.timeoutSecond, which values.schema.json does not declare", problems);
        Assert.Contains("values.schema.json declares webhook.timeoutSeconds, which has no default in values.yaml", problems);
    }

    /// <summary>Helm renders a misspelt .Values path as empty, silently: this is the only place it is caught.</summary>
    [Fact]
    public void MissingReferences_Should_BeNone_When_EveryTemplateOfTheChartIsRead()
    {
        var values = ChartFiles.Values;

        var missing = ChartFiles.TemplateFiles()
            .SelectMany(f => ValuesKeys.MissingReferences(File.ReadAllText(f), values).Select(p => $"{Path.GetFileName(f)}: .Values.{p}"))
            .ToList();

        Assert.Empty(missing);
    }

    [Fact]
    public void MissingReferences_Should_NameTheTypo_When_ATemplateMisspellsAValue()
    {
        const string template = """
            port: {{ .Values.metrics.port }}
            policy: {{ .Values.webhook.failurPolicy }}
            {{- with $.Values.podAnnotations.team }}
            image: {{ .Values.image.tag.major }}
            """;

        var missing = ValuesKeys.MissingReferences(template, ChartFiles.Values);

        Assert.Equal(["webhook.failurPolicy", "image.tag.major"], missing);
    }
}
