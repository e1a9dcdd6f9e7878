using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Api.Patching;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Tests.Api.Patching;

public sealed class StrategicMergePatchTests
{
    [Fact]
    public void Apply_Should_MergeContainerPortsByContainerPort_When_PatchNamesOnePort()
    {
        var original = Parse("""{"spec":{"containers":[{"name":"web","ports":[{"containerPort":80,"name":"http"},{"containerPort":9090}]}]}}""");
        var patch = Parse("""{"spec":{"containers":[{"name":"web","ports":[{"containerPort":80,"name":"main"}]}]}}""");

        var result = StrategicMergePatch.Apply(original, patch, "Pod");

        Assert.Equal("""[{"containerPort":80,"name":"main"},{"containerPort":9090}]""", result["spec"]!["containers"]![0]!["ports"]!.ToJsonString());
    }

    [Fact]
    public void Apply_Should_ReplaceAtomicList_When_FieldHasNoMergeKey()
    {
        var original = Parse("""{"spec":{"tolerations":[{"key":"a"},{"key":"b"}]}}""");
        var patch = Parse("""{"spec":{"tolerations":[{"key":"c"}]}}""");

        var result = StrategicMergePatch.Apply(original, patch, "Pod");

        Assert.Equal("""[{"key":"c"}]""", result["spec"]!["tolerations"]!.ToJsonString());
    }

    [Fact]
    public void Apply_Should_UnionFinalizers_When_PatchAddsOne()
    {
        var original = Parse("""{"metadata":{"finalizers":["a","b"]}}""");
        var patch = Parse("""{"metadata":{"finalizers":["b","c"]}}""");

        var result = StrategicMergePatch.Apply(original, patch, "ConfigMap");

        Assert.Equal("""["a","b","c"]""", result["metadata"]!["finalizers"]!.ToJsonString());
    }

    [Fact]
    public void Apply_Should_RemovePrimitives_When_DeleteFromPrimitiveListIsGiven()
    {
        var original = Parse("""{"metadata":{"finalizers":["a","b"]}}""");
        var patch = Parse("""{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}}""");

        var result = StrategicMergePatch.Apply(original, patch, "ConfigMap");

        Assert.Equal("""["b"]""", result["metadata"]!["finalizers"]!.ToJsonString());
    }

    [Fact]
    public void Apply_Should_ReplaceMap_When_PatchDirectiveIsReplace()
    {
        var original = Parse("""{"spec":{"selector":{"a":"1","b":"2"}}}""");
        var patch = Parse("""{"spec":{"selector":{"$patch":"replace","c":"3"}}}""");

        var result = StrategicMergePatch.Apply(original, patch, "Service");

        Assert.Equal("""{"c":"3"}""", result["spec"]!["selector"]!.ToJsonString());
    }

    [Fact]
    public void Apply_Should_DropUnretainedKeys_When_RetainKeysIsGiven()
    {
        var original = Parse("""{"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}}""");
        var patch = Parse("""{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}""");

        var result = StrategicMergePatch.Apply(original, patch, "Deployment");

        Assert.Equal("""{"type":"Recreate"}""", result["spec"]!["strategy"]!.ToJsonString());
    }

    [Fact]
    public void Apply_Should_ReplaceWholeList_When_ListElementSaysReplace()
    {
        var original = Parse("""{"spec":{"containers":[{"name":"a"},{"name":"b"}]}}""");
        var patch = Parse("""{"spec":{"containers":[{"$patch":"replace"},{"name":"c"}]}}""");

        var result = StrategicMergePatch.Apply(original, patch, "Pod");

        Assert.Equal("""[{"name":"c"}]""", result["spec"]!["containers"]!.ToJsonString());
    }

    [Fact]
    public void Apply_Should_ThrowBadRequest_When_ElementLacksMergeKey()
    {
        var original = Parse("""{"spec":{"containers":[{"name":"a"}]}}""");
        var patch = Parse("""{"spec":{"containers":[{"image":"x"}]}}""");

        var error = Assert.Throws<ApiError>(() => StrategicMergePatch.Apply(original, patch, "Pod"));

        Assert.Equal(400, error.Code);
        Assert.Contains("\"name\"", error.Message);
    }

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
