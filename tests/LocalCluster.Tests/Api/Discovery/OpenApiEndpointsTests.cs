using System.Net;
using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Tests.Api.Discovery;

public sealed class OpenApiEndpointsTests : IAsyncLifetime
{
    private static readonly ResourceType Widgets = new("example.com", "v1", "Widget", "widgets", Namespaced: true, HasStatusSubresource: true)
    {
        OpenApiSchema = JsonNode.Parse("""
            {"type": "object", "properties": {"spec": {"type": "object", "properties": {"size": {"type": "integer", "minimum": 1}}}}}
            """)!.AsObject(),
    };

    private DiscoveryServer _server = null!;

    public async Task InitializeAsync() => _server = await DiscoveryServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Index_Should_ListEveryGroupVersionWithAHash_When_Requested()
    {
        var (_, index) = await _server.GetAsync("/openapi/v3?timeout=32s");

        var paths = index["paths"]!.AsObject();
        foreach (var key in new[] { "api/v1", "apis/apps/v1", "apis/coordination.k8s.io/v1", "apis/apiextensions.k8s.io/v1", "apis/admissionregistration.k8s.io/v1" })
        {
            Assert.Matches($"^/openapi/v3/{key}\\?hash=[0-9A-F]{{128}}$", (string?)paths[key]!["serverRelativeURL"]);
        }
    }

    [Fact]
    public async Task GroupVersion_Should_OfferFieldValidationOnPatch_When_KubectlChecksBeforeApply()
    {
        var (_, index) = await _server.GetAsync("/openapi/v3");
        var (response, doc) = await _server.GetAsync((string)index["paths"]!["apis/apps/v1"]!["serverRelativeURL"]!);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var patch = doc["paths"]!["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]!["patch"]!;
        Assert.Equal("Deployment", (string?)patch["x-kubernetes-group-version-kind"]!["kind"]);
        Assert.Contains(patch["parameters"]!.AsArray(), p => (string?)p!["name"] == "fieldValidation" && (string?)p["in"] == "query");
        Assert.Null(patch["requestBody"]);
        var schema = doc["components"]!["schemas"]!["io.k8s.api.apps.v1.Deployment"]!;
        Assert.True((bool)schema["x-kubernetes-preserve-unknown-fields"]!);
        Assert.Equal("apps", (string?)schema["x-kubernetes-group-version-kind"]![0]!["group"]);
    }

    [Fact]
    public async Task GroupVersion_Should_PublishTheCrdSchema_When_KindHasOne()
    {
        _server.Registry.Add(Widgets);

        var (_, index) = await _server.GetAsync("/openapi/v3");
        var (_, doc) = await _server.GetAsync((string)index["paths"]!["apis/example.com/v1"]!["serverRelativeURL"]!);

        var schema = doc["components"]!["schemas"]!["com.example.v1.Widget"]!;
        Assert.Equal(1, (int)schema["properties"]!["spec"]!["properties"]!["size"]!["minimum"]!);
        Assert.Equal("string", (string?)schema["properties"]!["apiVersion"]!["type"]);
        Assert.Equal("Widget", (string?)schema["x-kubernetes-group-version-kind"]![0]!["kind"]);
        Assert.NotNull(doc["paths"]!["/apis/example.com/v1/namespaces/{namespace}/widgets/{name}/status"]!["patch"]);
        Assert.NotNull(doc["paths"]!["/apis/example.com/v1/widgets"]!["get"]);
    }

    [Fact]
    public async Task GroupVersion_Should_RedirectToTheCurrentHash_When_TheAskedHashIsStale()
    {
        var (response, _) = await _server.GetAsync("/openapi/v3/apis/apps/v1?hash=STALE");
        var (_, index) = await _server.GetAsync("/openapi/v3");

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal((string?)index["paths"]!["apis/apps/v1"]!["serverRelativeURL"], response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Index_Should_ChangeTheHash_When_AGroupVersionChanges()
    {
        _server.Registry.Add(Widgets);
        var (_, before) = await _server.GetAsync("/openapi/v3");
        _server.Registry.Add(Widgets with { ShortNames = ["w"], HasStatusSubresource = false });
        var (_, after) = await _server.GetAsync("/openapi/v3");

        Assert.NotEqual((string?)before["paths"]!["apis/example.com/v1"]!["serverRelativeURL"], (string?)after["paths"]!["apis/example.com/v1"]!["serverRelativeURL"]);
        Assert.Equal((string?)before["paths"]!["apis/apps/v1"]!["serverRelativeURL"], (string?)after["paths"]!["apis/apps/v1"]!["serverRelativeURL"]);
    }

    [Fact]
    public async Task OpenApiV2_Should_AnswerNotFound_When_Requested()
    {
        var (response, body) = await _server.GetAsync("/openapi/v2", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("NotFound", (string?)body["reason"]);
    }
}
