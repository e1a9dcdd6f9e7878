using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Controllers.GarbageCollection;
using LlmOperator.LocalCluster.Controllers.Objects;
using LlmOperator.LocalCluster.Storage;
using LlmOperator.LocalCluster.Tests.Controllers.Support;

namespace LlmOperator.LocalCluster.Tests.Controllers.GarbageCollection;

public sealed class GarbageCollectorTests
{
    private static readonly ResourceType ModelDeployments =
        new("inference.llmoperator.dev", "v1alpha1", "ModelDeployment", "modeldeployments", Namespaced: true, HasStatusSubresource: true);

    [Fact]
    public async Task Collect_Should_CascadeFromDeploymentToReplicaSetsAndPods_When_TheDeploymentIsDeleted()
    {
        await using var cluster = await TestCluster.StartAsync();
        cluster.Store.Create(BuiltInTypes.Deployments, Manifests.Deployment("web", 2, "engine:v1"));
        await cluster.WaitForAsync(BuiltInTypes.Deployments, Manifests.Namespace, "web", ClusterQueries.RolledOut, "web is rolled out");

        cluster.Store.Delete(BuiltInTypes.Deployments, Manifests.Namespace, "web");

        await cluster.WaitUntilAsync(() => cluster.Store.List(BuiltInTypes.ReplicaSets, Manifests.Namespace).Items.Count == 0 && cluster.Pods("web").Count == 0,
            "the replica set and its pods are gone");
    }

    [Fact]
    public async Task Collect_Should_DeleteTheDeploymentOfACustomResource_When_TheCustomResourceIsDeleted()
    {
        await using var cluster = await TestCluster.StartAsync();
        cluster.Registry.Add(ModelDeployments);
        var owner = cluster.Store.Create(ModelDeployments, new JsonObject
        {
            ["apiVersion"] = ModelDeployments.ApiVersion, ["kind"] = ModelDeployments.Kind,
            ["metadata"] = new JsonObject { ["name"] = "llama", ["namespace"] = Manifests.Namespace },
            ["spec"] = new JsonObject { ["model"] = "llama-7b" },
        });
        var deployment = Manifests.Deployment("llama", 1, "engine:v1");
        deployment.Meta()["ownerReferences"] = new JsonArray(ObjectJson.NewControllerRef(owner));
        cluster.Store.Create(BuiltInTypes.Deployments, deployment);
        await cluster.WaitForAsync(BuiltInTypes.Deployments, Manifests.Namespace, "llama", ClusterQueries.RolledOut, "llama is rolled out");

        cluster.Store.Delete(ModelDeployments, Manifests.Namespace, "llama");

        await cluster.WaitUntilAsync(() => cluster.Deployment("llama") is null && cluster.ReplicaSets("llama").Count == 0 && cluster.Pods("llama").Count == 0,
            "the deployment, its replica set and pods are gone");
    }

    [Fact]
    public async Task Collect_Should_OnlyDropTheDanglingReference_When_AnotherOwnerRemains()
    {
        await using var cluster = await TestCluster.StartAsync();
        var first = CreateConfigMap(cluster, "first");
        var second = CreateConfigMap(cluster, "second");
        CreateConfigMap(cluster, "dependent", ObjectJson.NewControllerRef(first), Reference(second));

        cluster.Store.Delete(BuiltInTypes.ConfigMaps, Manifests.Namespace, "first");

        var dependent = await cluster.WaitForAsync(BuiltInTypes.ConfigMaps, Manifests.Namespace, "dependent",
            d => d.OwnerReferences().Count() == 1, "the reference to the deleted owner is dropped");
        Assert.Equal(second.Uid(), (string?)dependent.OwnerReferences().Single()["uid"]);
    }

    [Fact]
    public async Task Collect_Should_DeleteDependentsBeforeTheOwner_When_DeletedInTheForeground()
    {
        await using var cluster = await TestCluster.StartAsync();
        var owner = CreateConfigMap(cluster, "owner");
        CreateConfigMap(cluster, "child", ObjectJson.NewControllerRef(owner));
        using var watch = cluster.Store.Watch(BuiltInTypes.ConfigMaps, Manifests.Namespace, cluster.Store.CurrentResourceVersion);

        var deleting = DeletionPropagation.Delete(cluster.Store, BuiltInTypes.ConfigMaps, Manifests.Namespace, "owner", PropagationPolicy.Foreground);
        Assert.True(deleting.IsDeleting());

        await cluster.WaitUntilAsync(() => cluster.Store.Get(BuiltInTypes.ConfigMaps, Manifests.Namespace, "owner") is null, "the owner is gone");
        var deletions = new List<string>();
        while (watch.Events.TryRead(out var change))
        {
            if (change.Type == WatchEventType.Deleted) deletions.Add(change.Object.Name());
        }

        Assert.Equal(["child", "owner"], deletions);
    }

    [Fact]
    public async Task Collect_Should_KeepDependentsWithoutTheReference_When_DeletedWithOrphan()
    {
        await using var cluster = await TestCluster.StartAsync();
        var owner = CreateConfigMap(cluster, "owner");
        CreateConfigMap(cluster, "child", ObjectJson.NewControllerRef(owner));

        DeletionPropagation.Delete(cluster.Store, BuiltInTypes.ConfigMaps, Manifests.Namespace, "owner", PropagationPolicy.Orphan);

        await cluster.WaitUntilAsync(() => cluster.Store.Get(BuiltInTypes.ConfigMaps, Manifests.Namespace, "owner") is null, "the owner is gone");
        var child = cluster.Store.Get(BuiltInTypes.ConfigMaps, Manifests.Namespace, "child");
        Assert.NotNull(child);
        Assert.Empty(child.OwnerReferences());
    }

    [Fact]
    public async Task Collect_Should_DeleteANewDependent_When_ItsOwnerNoLongerExists()
    {
        await using var cluster = await TestCluster.StartAsync();
        var ghost = new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["name"] = "ghost", ["uid"] = Guid.NewGuid().ToString(), ["controller"] = true,
        };

        CreateConfigMap(cluster, "stray", ghost);

        await cluster.WaitUntilAsync(() => cluster.Store.Get(BuiltInTypes.ConfigMaps, Manifests.Namespace, "stray") is null, "the stray dependent is collected");
    }

    private static JsonObject CreateConfigMap(TestCluster cluster, string name, params JsonObject[] owners)
    {
        var map = new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Manifests.Namespace },
            ["data"] = new JsonObject { ["key"] = "value" },
        };
        if (owners.Length > 0) map.Meta()["ownerReferences"] = new JsonArray(owners.Select(o => (JsonNode)o.DeepClone()).ToArray());
        return cluster.Store.Create(BuiltInTypes.ConfigMaps, map);
    }

    private static JsonObject Reference(JsonObject owner) => new()
    {
        ["apiVersion"] = owner.ApiVersion(), ["kind"] = owner.Kind(), ["name"] = owner.Name(), ["uid"] = owner.Uid(),
    };
}
