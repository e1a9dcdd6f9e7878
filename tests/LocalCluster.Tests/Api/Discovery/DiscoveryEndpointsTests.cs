using System.Net;
using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Api.Discovery;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Tests.Api.Discovery;

public sealed class DiscoveryEndpointsTests : IAsyncLifetime
{
    /// <summary>What kubectl 1.30–1.33 send for /api and /apis.</summary>
    private const string KubectlAccept =
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

    private static readonly ResourceType Widgets = new("example.com", "v1beta1", "Widget", "widgets", Namespaced: true,
        HasStatusSubresource: true, ShortNames: ["wd"], Categories: ["all"])
    {
        OpenApiSchema = JsonNode.Parse("""
            {"type": "object", "properties": {"spec": {"type": "object", "properties": {"size": {"type": "integer", "minimum": 1}}}}}
            """)!.AsObject(),
    };

    private DiscoveryServer _server = null!;

    public async Task InitializeAsync() => _server = await DiscoveryServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Version_Should_Report132_When_Requested()
    {
        var (response, body) = await _server.GetAsync("/version?timeout=5s");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1", (string?)body["major"]);
        Assert.Equal("32", (string?)body["minor"]);
        Assert.StartsWith("v1.32.", (string?)body["gitVersion"]);
    }

    [Fact]
    public async Task Apis_Should_AnswerAggregatedV2WithExactContentType_When_KubectlAsks()
    {
        var (response, body) = await _server.GetAsync("/apis?timeout=32s", KubectlAccept);

        Assert.Equal("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList", RawContentType(response));
        Assert.Equal("APIGroupDiscoveryList", (string?)body["kind"]);
        Assert.Equal("apidiscovery.k8s.io/v2", (string?)body["apiVersion"]);
        var apps = body["items"]!.AsArray().Single(i => (string?)i!["metadata"]!["name"] == "apps")!;
        var deployments = apps["versions"]![0]!["resources"]!.AsArray().Single(r => (string?)r!["resource"] == "deployments")!;
        Assert.Equal("Namespaced", (string?)deployments["scope"]);
        Assert.Equal("Deployment", (string?)deployments["responseKind"]!["kind"]);
        Assert.Equal(["deploy"], deployments["shortNames"]!.AsArray().Select(s => (string?)s));
        Assert.Equal(["all"], deployments["categories"]!.AsArray().Select(s => (string?)s));
        Assert.Contains("watch", deployments["verbs"]!.AsArray().Select(v => (string?)v));
        var scale = deployments["subresources"]!.AsArray().Single(s => (string?)s!["subresource"] == "scale")!;
        Assert.Equal("autoscaling", (string?)scale["responseKind"]!["group"]);
        Assert.Equal("Scale", (string?)scale["responseKind"]!["kind"]);
        Assert.DoesNotContain(body["items"]!.AsArray(), i => (string?)i!["metadata"]!["name"] is null or "");
    }

    [Fact]
    public async Task Api_Should_ListCoreResourcesWithoutGroupName_When_Aggregated()
    {
        var (_, body) = await _server.GetAsync("/api", KubectlAccept);

        var core = Assert.Single(body["items"]!.AsArray())!;
        Assert.Null(core["metadata"]!["name"]);
        var pods = core["versions"]![0]!["resources"]!.AsArray().Single(r => (string?)r!["resource"] == "pods")!;
        Assert.Equal(["log", "status"], pods["subresources"]!.AsArray().Select(s => (string?)s!["subresource"]));
        var namespaces = core["versions"]![0]!["resources"]!.AsArray().Single(r => (string?)r!["resource"] == "namespaces")!;
        Assert.Equal("Cluster", (string?)namespaces["scope"]);
    }

    [Fact]
    public async Task Apis_Should_AnswerV2Beta1_When_ClientOffersOnlyV2Beta1()
    {
        var (response, body) = await _server.GetAsync("/apis",
            "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json");

        Assert.Equal("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList", RawContentType(response));
        Assert.Equal("apidiscovery.k8s.io/v2beta1", (string?)body["apiVersion"]);
    }

    [Fact]
    public async Task Apis_Should_AnswerLegacyGroupList_When_ClientAcceptsPlainJson()
    {
        var (response, body) = await _server.GetAsync("/apis", "application/json, */*");
        var (_, api) = await _server.GetAsync("/api", "application/json, */*");

        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("APIGroupList", (string?)body["kind"]);
        var apps = body["groups"]!.AsArray().Single(g => (string?)g!["name"] == "apps")!;
        Assert.Equal("apps/v1", (string?)apps["preferredVersion"]!["groupVersion"]);
        Assert.Equal("APIVersions", (string?)api["kind"]);
        Assert.Equal(["v1"], api["versions"]!.AsArray().Select(v => (string?)v));
        Assert.StartsWith("127.0.0.1:", (string?)api["serverAddressByClientCIDRs"]![0]!["serverAddress"]);
    }

    [Fact]
    public async Task ApiResourceList_Should_ListResourcesAndSubresources_When_GroupVersionIsServed()
    {
        var (_, core) = await _server.GetAsync("/api/v1");
        var (_, apps) = await _server.GetAsync("/apis/apps/v1");

        Assert.Equal("APIResourceList", (string?)core["kind"]);
        var names = core["resources"]!.AsArray().Select(r => (string?)r!["name"]).ToList();
        Assert.Contains("pods/log", names);
        Assert.Contains("pods/status", names);
        var pods = core["resources"]!.AsArray().Single(r => (string?)r!["name"] == "pods")!;
        Assert.Equal("pod", (string?)pods["singularName"]);
        Assert.True((bool)pods["namespaced"]!);
        var scale = apps["resources"]!.AsArray().Single(r => (string?)r!["name"] == "deployments/scale")!;
        Assert.Equal("autoscaling", (string?)scale["group"]);
        Assert.Equal("apps/v1", (string?)apps["groupVersion"]);
    }

    [Fact]
    public async Task Discovery_Should_ListAKind_When_ItIsRegisteredAfterStart()
    {
        var (before, _) = await _server.GetAsync("/apis/example.com/v1beta1");
        _server.Registry.Add(Widgets);
        var (_, list) = await _server.GetAsync("/apis/example.com/v1beta1");
        var (_, aggregated) = await _server.GetAsync("/apis", KubectlAccept);
        _server.Registry.Remove("example.com", "v1beta1", "widgets");
        var (after, _) = await _server.GetAsync("/apis/example.com/v1beta1");

        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        Assert.Equal(["widgets", "widgets/status"], list["resources"]!.AsArray().Select(r => (string?)r!["name"]));
        var group = aggregated["items"]!.AsArray().Last()!;
        Assert.Equal("example.com", (string?)group["metadata"]!["name"]);
        Assert.Equal(["wd"], group["versions"]![0]!["resources"]![0]!["shortNames"]!.AsArray().Select(s => (string?)s));
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }

    [Fact]
    public async Task UnknownGroupVersion_Should_AnswerNotFoundStatus_When_Requested()
    {
        var (response, body) = await _server.GetAsync("/apis/nope.example.com/v1");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Status", (string?)body["kind"]);
        Assert.Equal("NotFound", (string?)body["reason"]);
        Assert.Equal(404, (int)body["code"]!);
    }

    [Fact]
    public void CompareVersions_Should_PreferGaThenBetaThenAlpha_When_Sorting()
    {
        string[] versions = ["v1alpha1", "foo", "v2beta1", "v1", "v1beta2", "v2", "v1beta1", "v11alpha2"];

        var sorted = versions.Order(Comparer<string>.Create(ServedResources.CompareVersions));

        Assert.Equal(["v2", "v1", "v2beta1", "v1beta2", "v1beta1", "v11alpha2", "v1alpha1", "foo"], sorted);
    }

    private string RawContentType(HttpResponseMessage response) => _server.RawContentTypes[response];
}
