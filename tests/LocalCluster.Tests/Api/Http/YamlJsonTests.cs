using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Api.Http;
using YamlDotNet.Core;

namespace LlmOperator.LocalCluster.Tests.Api.Http;

public sealed class YamlJsonTests
{
    [Fact]
    public void Parse_Should_ResolveCoreSchemaScalars_When_ScalarsArePlain()
    {
        var yaml = "replicas: 3\nratio: 0.5\nenabled: true\nnothing: ~\nname: web\nquoted: \"3\"\nhex: 0x1F\nlist: [a, 2]\n";

        var json = YamlJson.Parse(yaml)!;

        Assert.Equal("""{"replicas":3,"ratio":0.5,"enabled":true,"nothing":null,"name":"web","quoted":"3","hex":31,"list":["a",2]}""", json.ToJsonString());
    }

    [Fact]
    public void Parse_Should_ReadJson_When_BodyIsJson()
    {
        var json = YamlJson.Parse("""{"apiVersion":"v1","kind":"ConfigMap","data":{"a":"1"}}""")!;

        Assert.Equal("1", (string?)json["data"]?["a"]);
    }

    [Fact]
    public void Parse_Should_ThrowWithPosition_When_MappingIsBroken()
    {
        var error = Assert.ThrowsAny<YamlException>(() => YamlJson.Parse("a: b: c"));

        Assert.True(error.Start.Line > 0);
    }

    [Fact]
    public void Parse_Should_ThrowYamlException_When_FlowSequenceIsUnclosed()
    {
        Assert.ThrowsAny<YamlException>(() => YamlJson.Parse("a: [1, 2\nb: c"));
    }
}
