using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Controllers.Objects;
using LlmOperator.LocalCluster.Storage;
using LlmOperator.LocalCluster.Tests.Controllers.Support;

namespace LlmOperator.LocalCluster.Tests.Controllers.Namespaces;

public sealed class NamespaceControllerTests
{
    private const string Team = "team-a";

    [Fact]
    public async Task Delete_Should_RemoveEverythingInTheNamespace_When_TheNamespaceIsDeleted()
    {
        await using var cluster = await TestCluster.StartAsync();
        cluster.Store.Create(BuiltInTypes.Namespaces, Namespace());
        PopulateNamespace(cluster);
        await cluster.WaitUntilAsync(() => Count(cluster, BuiltInTypes.Pods) == 2, "the pods of the namespace run");

        cluster.Store.Delete(BuiltInTypes.Namespaces, null, Team);

        await cluster.WaitUntilAsync(() => Contents(cluster) == 0, "the namespace is empty",
            describe: () => string.Join(", ", cluster.Registry.All.Where(t => t.Namespaced).SelectMany(t => cluster.Store.List(t, Team).Items).Select(o => $"{o.Kind()}/{o.Name()}")));
        Assert.Single(cluster.Store.List(BuiltInTypes.ConfigMaps, "default").Items);
    }

    [Fact]
    public async Task Delete_Should_KeepTheNamespaceTerminatingUntilItIsEmpty_When_ItHasTheKubernetesFinalizer()
    {
        await using var cluster = await TestCluster.StartAsync();
        var ns = Namespace();
        ns.AddFinalizer("kubernetes");
        cluster.Store.Create(BuiltInTypes.Namespaces, ns);
        PopulateNamespace(cluster);
        var held = ConfigMap("held", Team);
        held.AddFinalizer("example.com/cleanup");
        cluster.Store.Create(BuiltInTypes.ConfigMaps, held);

        cluster.Store.Delete(BuiltInTypes.Namespaces, null, Team);

        await cluster.WaitForAsync(BuiltInTypes.Namespaces, null, Team,
            n => (string?)n["status"]?["phase"] == "Terminating" && Contents(cluster) == 1, "the namespace is terminating with only the held object left");
        var remaining = cluster.Store.Get(BuiltInTypes.ConfigMaps, Team, "held")!;
        Assert.True(remaining.IsDeleting());

        remaining.RemoveFinalizer("example.com/cleanup");
        cluster.Store.Update(BuiltInTypes.ConfigMaps, remaining);

        await cluster.WaitUntilAsync(() => cluster.Store.Get(BuiltInTypes.Namespaces, null, Team) is null && Contents(cluster) == 0, "the namespace is gone");
    }

    private static void PopulateNamespace(TestCluster cluster)
    {
        var deployment = Manifests.Deployment("web", 2, "engine:v1");
        deployment.Meta()["namespace"] = Team;
        cluster.Store.Create(BuiltInTypes.Deployments, deployment);
        var service = Manifests.Service("web", "web", JsonValue.Create(8000));
        service.Meta()["namespace"] = Team;
        cluster.Store.Create(BuiltInTypes.Services, service);
        cluster.Store.Create(BuiltInTypes.ConfigMaps, ConfigMap("settings", Team));
        cluster.Store.Create(BuiltInTypes.ConfigMaps, ConfigMap("settings", "default"));
    }

    private static int Count(TestCluster cluster, ResourceType type) => cluster.Store.List(type, Team).Items.Count;

    private static int Contents(TestCluster cluster) =>
        cluster.Registry.All.Where(t => t.Namespaced).Sum(t => Count(cluster, t));

    private static JsonObject Namespace() => new()
    {
        ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = Team },
    };

    private static JsonObject ConfigMap(string name, string ns) => new()
    {
        ["apiVersion"] = "v1", ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["data"] = new JsonObject { ["key"] = "value" },
    };
}
