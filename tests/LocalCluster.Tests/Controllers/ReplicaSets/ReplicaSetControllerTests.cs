using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Controllers.Objects;
using LlmOperator.LocalCluster.Storage;
using LlmOperator.LocalCluster.Tests.Controllers.Support;
using Microsoft.Extensions.Time.Testing;

namespace LlmOperator.LocalCluster.Tests.Controllers.ReplicaSets;

public sealed class ReplicaSetControllerTests
{
    [Fact]
    public async Task Reconcile_Should_CreatePodsAndReportStatus_When_AReplicaSetIsCreated()
    {
        await using var cluster = await TestCluster.StartAsync();
        var rs = cluster.Store.Create(BuiltInTypes.ReplicaSets, Manifests.ReplicaSet("engine", 3, "engine"));

        var status = (await WaitForStatusAsync(cluster, "engine", s => s["availableReplicas"].AsInt() == 3))["status"]!;

        Assert.Equal(3, status["replicas"].AsInt());
        Assert.Equal(3, status["readyReplicas"].AsInt());
        Assert.Equal(3, status["fullyLabeledReplicas"].AsInt());
        Assert.Equal(1, status["observedGeneration"].AsInt());
        var pods = cluster.Pods("engine");
        Assert.Equal(3, pods.Count);
        Assert.All(pods, p =>
        {
            Assert.StartsWith("engine-", p.Name());
            Assert.Equal("engine-", (string?)p.Meta()["generateName"]);
            var owner = p.ControllerRef()!;
            Assert.Equal(("ReplicaSet", "engine", rs.Uid(), true), ((string?)owner["kind"], (string?)owner["name"], (string?)owner["uid"], (bool?)owner["blockOwnerDeletion"]));
        });
        Assert.Equal(3, pods.Select(p => p.Name()).Distinct().Count());
    }

    [Fact]
    public async Task Reconcile_Should_ReplacePods_When_TheyFailOrAreDeleted()
    {
        await using var cluster = await TestCluster.StartAsync();
        cluster.Store.Create(BuiltInTypes.ReplicaSets, Manifests.ReplicaSet("engine", 2, "engine"));
        await WaitForStatusAsync(cluster, "engine", s => s["availableReplicas"].AsInt() == 2);
        var (failed, deleted) = (cluster.Pods("engine")[0].Name(), cluster.Pods("engine")[1].Name());

        cluster.Kubelet.Fail(Manifests.Namespace, failed);
        cluster.Store.Delete(BuiltInTypes.Pods, Manifests.Namespace, deleted);

        await cluster.WaitUntilAsync(() => cluster.LivePods("engine").Count(ClusterQueries.IsReady) == 2 &&
                                           cluster.LivePods("engine").All(p => p.Name() != failed && p.Name() != deleted),
            "two replacement pods are ready");
        // The failed pod stays for its logs and status (as with restartPolicy Never); it no longer counts.
        Assert.Equal("Failed", (string?)cluster.Store.Get(BuiltInTypes.Pods, Manifests.Namespace, failed)!["status"]!["phase"]);
        await WaitForStatusAsync(cluster, "engine", s => s["replicas"].AsInt() == 2 && s["availableReplicas"].AsInt() == 2);
    }

    [Fact]
    public async Task Reconcile_Should_DeleteNotReadyPodsFirst_When_ScaledDown()
    {
        await using var cluster = await TestCluster.StartAsync();
        cluster.Store.Create(BuiltInTypes.ReplicaSets, Manifests.ReplicaSet("engine", 3, "engine"));
        await WaitForStatusAsync(cluster, "engine", s => s["readyReplicas"].AsInt() == 3);
        var unready = cluster.Pods("engine")[1].Name();
        cluster.Kubelet.SetReady(Manifests.Namespace, unready, false);
        await WaitForStatusAsync(cluster, "engine", s => s["readyReplicas"].AsInt() == 2);

        var rs = cluster.Store.Get(BuiltInTypes.ReplicaSets, Manifests.Namespace, "engine")!;
        rs["spec"]!["replicas"] = 2;
        cluster.Store.Update(BuiltInTypes.ReplicaSets, rs);

        await WaitForStatusAsync(cluster, "engine", s => s["replicas"].AsInt() == 2 && s["observedGeneration"].AsInt() == 2);
        Assert.DoesNotContain(unready, cluster.Pods("engine").Select(p => p.Name()));
        Assert.All(cluster.Pods("engine"), p => Assert.True(ClusterQueries.IsReady(p)));
        Assert.Contains(cluster.Events("engine"), e => (string?)e["reason"] == "SuccessfulDelete" && (string?)e["message"] == $"Deleted pod: {unready}");
    }

    [Fact]
    public async Task Reconcile_Should_AdoptMatchingOrphans_And_ReleasePodsWhoseLabelsNoLongerMatch()
    {
        await using var cluster = await TestCluster.StartAsync();
        var orphan = new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = "handmade", ["namespace"] = Manifests.Namespace, ["labels"] = new JsonObject { ["app"] = "engine" } },
            ["spec"] = Manifests.PodTemplate("engine", "engine:v1")["spec"]!.DeepClone(),
        };
        cluster.Store.Create(BuiltInTypes.Pods, orphan);
        var rs = cluster.Store.Create(BuiltInTypes.ReplicaSets, Manifests.ReplicaSet("engine", 2, "engine"));

        await WaitForStatusAsync(cluster, "engine", s => s["availableReplicas"].AsInt() == 2);
        Assert.Equal(2, cluster.Pods("engine").Count);
        Assert.Equal(rs.Uid(), (string?)cluster.Store.Get(BuiltInTypes.Pods, Manifests.Namespace, "handmade")!.ControllerRef()?["uid"]);

        var relabelled = cluster.Store.Get(BuiltInTypes.Pods, Manifests.Namespace, "handmade")!;
        relabelled.Meta()["labels"] = new JsonObject { ["app"] = "debugging" };
        cluster.Store.Update(BuiltInTypes.Pods, relabelled);

        await cluster.WaitUntilAsync(() => cluster.LivePods("engine").Count(ClusterQueries.IsReady) == 2 &&
                                           cluster.Store.Get(BuiltInTypes.Pods, Manifests.Namespace, "handmade")!.ControllerRef() is null,
            "the relabelled pod is released and replaced");
    }

    [Fact]
    public async Task Status_Should_CountPodsAsAvailableOnlyAfterMinReadySeconds()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var cluster = await TestCluster.StartAsync(clock);
        var manifest = Manifests.ReplicaSet("engine", 2, "engine");
        manifest["spec"]!["minReadySeconds"] = 10;
        cluster.Store.Create(BuiltInTypes.ReplicaSets, manifest);
        await WaitForStatusAsync(cluster, "engine", s => s["readyReplicas"].AsInt() == 2);
        Assert.Null(cluster.Store.Get(BuiltInTypes.ReplicaSets, Manifests.Namespace, "engine")!["status"]!["availableReplicas"]);

        clock.Advance(TimeSpan.FromSeconds(5));
        await cluster.AdvanceUntilAsync(clock, TimeSpan.FromSeconds(1), maxSteps: 20,
            () => cluster.Store.Get(BuiltInTypes.ReplicaSets, Manifests.Namespace, "engine")!["status"]!["availableReplicas"].AsInt() == 2,
            "both pods become available");
        Assert.True(clock.GetUtcNow() > new DateTimeOffset(2025, 1, 1, 0, 0, 10, TimeSpan.Zero), $"available too early, at {clock.GetUtcNow()}");
    }

    private static Task<JsonObject> WaitForStatusAsync(TestCluster cluster, string name, Func<JsonNode, bool> test) =>
        cluster.WaitForAsync(BuiltInTypes.ReplicaSets, Manifests.Namespace, name, rs => rs["status"] is { } s && test(s), $"replica set {name} reports the expected status");
}
