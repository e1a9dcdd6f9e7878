using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Controllers.Objects;
using LlmOperator.LocalCluster.Storage;
using LlmOperator.LocalCluster.Tests.Controllers.Support;

namespace LlmOperator.LocalCluster.Tests.Controllers.Endpoints;

public sealed class EndpointsControllerTests
{
    [Fact]
    public async Task Reconcile_Should_ListReadyAndNotReadyPodsWithTheirHostPorts_When_AServiceSelectsThem()
    {
        await using var cluster = await TestCluster.StartAsync(configure: kubelet => kubelet.AssignHostPorts = true);
        cluster.Store.Create(BuiltInTypes.ReplicaSets, Manifests.ReplicaSet("engine", 2, "engine"));
        cluster.Store.Create(BuiltInTypes.Services, Manifests.Service("engine", "engine", JsonValue.Create("http")));
        var (first, second) = await TwoRunningPodsAsync(cluster);
        cluster.Kubelet.SetReady(Manifests.Namespace, second.Name(), false);

        var endpoints = await cluster.WaitForAsync(BuiltInTypes.Endpoints, Manifests.Namespace, "engine",
            e => Addresses(e, "addresses").Count == 1 && Addresses(e, "notReadyAddresses").Count == 1, "one ready and one unready address");

        var ready = Assert.Single(Addresses(endpoints, "addresses"));
        Assert.Equal("127.0.0.1", (string?)ready.Address["ip"]);
        Assert.Equal(("Pod", first.Name(), first.Uid()), ((string?)ready.Address["targetRef"]!["kind"], (string?)ready.Address["targetRef"]!["name"], (string?)ready.Address["targetRef"]!["uid"]));
        Assert.Equal(HostPort(first), ready.Port["port"].AsInt());
        Assert.Equal(("http", "TCP"), ((string?)ready.Port["name"], (string?)ready.Port["protocol"]));
        var notReady = Assert.Single(Addresses(endpoints, "notReadyAddresses"));
        Assert.Equal(second.Name(), (string?)notReady.Address["targetRef"]!["name"]);
        Assert.Equal(HostPort(second), notReady.Port["port"].AsInt());
        Assert.NotEqual(HostPort(first), HostPort(second));
        Assert.Equal("web", (string?)endpoints.Meta()["labels"]!["tier"]);
    }

    [Fact]
    public async Task Reconcile_Should_FollowReadiness_When_PodsBecomeReadyOrGo()
    {
        await using var cluster = await TestCluster.StartAsync(configure: kubelet => kubelet.BecomesReady = _ => false);
        cluster.Store.Create(BuiltInTypes.ReplicaSets, Manifests.ReplicaSet("engine", 2, "engine"));
        cluster.Store.Create(BuiltInTypes.Services, Manifests.Service("engine", "engine", JsonValue.Create(8000)));
        var (first, second) = await TwoRunningPodsAsync(cluster);
        await cluster.WaitForAsync(BuiltInTypes.Endpoints, Manifests.Namespace, "engine",
            e => Addresses(e, "notReadyAddresses").Count == 2 && Addresses(e, "addresses").Count == 0, "both pods listed as not ready");

        cluster.Kubelet.SetReady(Manifests.Namespace, first.Name(), true);
        var endpoints = await cluster.WaitForAsync(BuiltInTypes.Endpoints, Manifests.Namespace, "engine",
            e => Addresses(e, "addresses").Select(a => (string?)a.Address["targetRef"]!["name"]).SequenceEqual([first.Name()]), "the ready pod moves to addresses");
        Assert.Equal(8000, Addresses(endpoints, "addresses")[0].Port["port"].AsInt());

        cluster.Store.Delete(BuiltInTypes.Pods, Manifests.Namespace, first.Name());
        await cluster.WaitForAsync(BuiltInTypes.Endpoints, Manifests.Namespace, "engine",
            e => Addresses(e, "addresses").Count == 0 && Addresses(e, "notReadyAddresses").All(a => (string?)a.Address["targetRef"]!["name"] != first.Name()),
            "the deleted pod leaves the endpoints");
    }

    [Fact]
    public async Task Reconcile_Should_RestoreTheEndpoints_When_EditedByHand_And_DeleteThem_When_TheServiceGoes()
    {
        await using var cluster = await TestCluster.StartAsync();
        cluster.Store.Create(BuiltInTypes.ReplicaSets, Manifests.ReplicaSet("engine", 1, "engine"));
        cluster.Store.Create(BuiltInTypes.Services, Manifests.Service("engine", "engine", JsonValue.Create("http")));
        var endpoints = await cluster.WaitForAsync(BuiltInTypes.Endpoints, Manifests.Namespace, "engine", e => Addresses(e, "addresses").Count == 1, "the pod is listed");

        endpoints.Remove("subsets");
        cluster.Store.Update(BuiltInTypes.Endpoints, endpoints);
        await cluster.WaitForAsync(BuiltInTypes.Endpoints, Manifests.Namespace, "engine", e => Addresses(e, "addresses").Count == 1, "the edit is undone");

        cluster.Store.Delete(BuiltInTypes.Services, Manifests.Namespace, "engine");
        await cluster.WaitUntilAsync(() => cluster.Store.Get(BuiltInTypes.Endpoints, Manifests.Namespace, "engine") is null, "the endpoints are deleted");
    }

    [Fact]
    public async Task Reconcile_Should_LeaveEndpointsAlone_When_TheServiceHasNoSelector()
    {
        await using var cluster = await TestCluster.StartAsync();
        var manual = new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Endpoints",
            ["metadata"] = new JsonObject { ["name"] = "external", ["namespace"] = Manifests.Namespace },
            ["subsets"] = new JsonArray(new JsonObject
            {
                ["addresses"] = new JsonArray(new JsonObject { ["ip"] = "10.0.0.9" }),
                ["ports"] = new JsonArray(new JsonObject { ["port"] = 5432 }),
            }),
        };
        cluster.Store.Create(BuiltInTypes.Endpoints, manual);
        var service = Manifests.Service("external", "unused", JsonValue.Create(5432));
        ((JsonObject)service["spec"]!).Remove("selector");
        cluster.Store.Create(BuiltInTypes.Services, service);
        // A selector service next to it shows the controller has run past the manual one.
        cluster.Store.Create(BuiltInTypes.Services, Manifests.Service("marker", "nothing", JsonValue.Create(80)));
        await cluster.WaitUntilAsync(() => cluster.Store.Get(BuiltInTypes.Endpoints, Manifests.Namespace, "marker") is not null, "the controller has synced");

        var stored = cluster.Store.Get(BuiltInTypes.Endpoints, Manifests.Namespace, "external")!;
        Assert.Equal("10.0.0.9", (string?)stored["subsets"]![0]!["addresses"]![0]!["ip"]);
    }

    private static async Task<(JsonObject First, JsonObject Second)> TwoRunningPodsAsync(TestCluster cluster)
    {
        await cluster.WaitUntilAsync(() => cluster.Pods("engine").Count(p => (string?)p["status"]?["phase"] == "Running") >= 2, "two pods are running");
        var pods = cluster.Pods("engine").OrderBy(p => p.Name(), StringComparer.Ordinal).ToList();
        return (pods[0], pods[1]);
    }

    private static int? HostPort(JsonObject pod) => int.Parse(pod.Annotation("localcluster.llmoperator.dev/port-8000")!);

    /// <summary>Every (address, port) pair under one list of every subset.</summary>
    private static List<(JsonObject Address, JsonObject Port)> Addresses(JsonObject endpoints, string list) =>
        (endpoints["subsets"] as JsonArray ?? []).OfType<JsonObject>()
            .SelectMany(s => (s[list] as JsonArray ?? []).OfType<JsonObject>()
                .SelectMany(a => (s["ports"] as JsonArray ?? []).OfType<JsonObject>().Select(p => (a, p))))
            .ToList();
}
