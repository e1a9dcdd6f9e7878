using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.CustomResources;

namespace LlmOperator.LocalCluster.Tests.CustomResources;

public sealed class SchemaValidatorTests
{
    private static readonly JsonObject Schema = JsonNode.Parse("""
        {"type": "object", "properties": {"spec": {"type": "object", "properties": {
          "ports": {"type": "array", "maxItems": 2, "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
                    "items": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string", "maxLength": 5}, "port": {"type": "integer"}}}},
          "tags": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
          "labels": {"type": "object", "additionalProperties": {"type": "string", "enum": ["a", "b"]}},
          "note": {"type": "string", "nullable": true},
          "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
          "when": {"type": "string", "format": "date-time"}}}}}
        """)!.AsObject();

    [Theory]
    [InlineData("""{"ports": [{"name": "a"}, {"name": "a"}]}""", "spec.ports[1]: Duplicate value: {\"name\":\"a\"}")]
    [InlineData("""{"ports": [{"name": "a"}, {"name": "b"}, {"name": "c"}]}""", "spec.ports: Too many: 3: must have at most 2 items")]
    [InlineData("""{"ports": [{"name": "toolong"}]}""", "spec.ports[0].name: Too long: may not be more than 5 bytes")]
    [InlineData("""{"ports": [{"port": 80}]}""", "spec.ports[0].name: Required value")]
    [InlineData("""{"tags": ["x", "y", "x"]}""", "spec.tags[2]: Duplicate value: \"x\"")]
    [InlineData("""{"labels": {"k": "c"}}""", "spec.labels[k]: Unsupported value: \"c\": supported values: \"a\", \"b\"")]
    [InlineData("""{"when": "yesterday"}""", "spec.when: Invalid value: \"yesterday\": spec.when in body must be of type date-time: \"yesterday\"")]
    [InlineData("""{"ports": {"name": "a"}}""", "spec.ports: Invalid value: \"object\": spec.ports in body must be of type array: \"object\"")]
    public void Validate_Should_ReportKubeFieldErrors_When_ValuesBreakTheSchema(string spec, string expected)
    {
        var errors = SchemaValidator.Validate(Obj(spec), Schema);

        Assert.Equal(expected, Assert.Single(errors).ToString());
    }

    [Fact]
    public void Validate_Should_Accept_When_ValuesFitIncludingNullAndFreeForm()
    {
        var spec = """{"ports": [{"name": "a", "port": 1}, {"name": "b"}], "tags": ["x"], "labels": {"k": "a"}, "note": null, "free": {"any": [1, {"x": true}]}, "when": "2025-01-01T00:00:00Z"}""";

        Assert.Empty(SchemaValidator.Validate(Obj(spec), Schema));
    }

    [Fact]
    public void Prune_Should_KeepPreservedAndDropUnknown_When_BothArePresent()
    {
        var obj = Obj("""{"free": {"any": 1}, "ports": [{"name": "a", "extra": 1}], "note": null, "bogus": 2}""");
        obj["metadata"] = new JsonObject { ["name"] = "x", ["labels"] = new JsonObject { ["a"] = "b" } };

        var pruned = SchemaPruning.Prune(obj, Schema);

        Assert.Equal(["spec.ports[0].extra", "spec.bogus"], pruned);
        Assert.Equal(1, (int)obj["spec"]!["free"]!["any"]!);
        Assert.True(obj["spec"]!.AsObject().ContainsKey("note"));
        Assert.Equal("b", (string?)obj["metadata"]!["labels"]!["a"]);
    }

    private static JsonObject Obj(string spec) => JsonNode.Parse($$"""{"apiVersion": "x/v1", "kind": "X", "metadata": {"name": "x"}, "spec": {{spec}}}""")!.AsObject();
}
