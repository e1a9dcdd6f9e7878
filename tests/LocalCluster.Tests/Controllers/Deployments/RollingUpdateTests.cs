using LlmOperator.LocalCluster.Controllers.Objects;
using LlmOperator.LocalCluster.Storage;
using LlmOperator.LocalCluster.Tests.Controllers.Support;

namespace LlmOperator.LocalCluster.Tests.Controllers.Deployments;

public sealed class RollingUpdateTests
{
    [Theory]
    [InlineData(4, "1", "1", 1, 1)]
    [InlineData(4, "0", "1", 0, 1)]
    [InlineData(3, "1", "0", 1, 0)]
    [InlineData(10, "25%", "25%", 3, 2)] // surge rounds 2.5 up, unavailable rounds 2.5 down
    public async Task Rollout_Should_StayWithinMaxSurgeAndMaxUnavailable_When_TheTemplateChanges(
        int replicas, string maxSurge, string maxUnavailable, int surge, int unavailable)
    {
        await using var cluster = await TestCluster.StartAsync();
        cluster.Store.Create(BuiltInTypes.Deployments, Manifests.Deployment("web", replicas, "engine:v1", maxSurge, maxUnavailable));
        await cluster.WaitForAsync(BuiltInTypes.Deployments, Manifests.Namespace, "web", ClusterQueries.RolledOut, "v1 is rolled out");
        using var census = new PodCensus(cluster.Store, "web");

        cluster.SetImage("web", "engine:v2");
        await cluster.WaitUntilAsync(
            () => ClusterQueries.RolledOut(cluster.Deployment("web")!) && cluster.LivePods("web").All(p => ClusterQueries.Image(p) == "engine:v2"),
            "v2 is rolled out", describe: () => cluster.Deployment("web")!["status"]!.ToJsonString());

        var counts = census.Counts;
        Assert.All(counts, c => Assert.True(c.Live <= replicas + surge, $"{c.Live} live pods at rv {c.ResourceVersion}, more than {replicas}+{surge}"));
        Assert.All(counts, c => Assert.True(c.Available >= replicas - unavailable, $"{c.Available} available pods at rv {c.ResourceVersion}, fewer than {replicas}-{unavailable}"));
        // The rollout used the room it was given: the new set starts with all the surge at once; and
        // without surge an old pod must go before a new one starts. (With surge, whether availability
        // dips depends on how fast new pods turn ready.)
        Assert.Equal(replicas + surge, counts.Max(c => c.Live));
        if (surge == 0) Assert.Equal(replicas - unavailable, counts.Min(c => c.Available));
        Assert.Contains(counts, c => c.Images.Contains("engine:v1") && c.Images.Contains("engine:v2"));

        var sets = cluster.ReplicaSets("web");
        Assert.Equal(2, sets.Count);
        var (old, current) = (sets.Single(rs => ClusterQueries.Image(rs) == "engine:v1"), sets.Single(rs => ClusterQueries.Image(rs) == "engine:v2"));
        Assert.Equal(0, old["spec"]!["replicas"].AsInt());
        Assert.Equal(replicas, current["spec"]!["replicas"].AsInt());
        Assert.Equal("2", current.Annotation("deployment.kubernetes.io/revision"));
        Assert.Equal("2", cluster.Deployment("web")!.Annotation("deployment.kubernetes.io/revision"));
    }

    [Fact]
    public async Task Rollback_Should_ReuseTheOldReplicaSetWithANewRevision_When_TheTemplateReverts()
    {
        await using var cluster = await TestCluster.StartAsync();
        cluster.Store.Create(BuiltInTypes.Deployments, Manifests.Deployment("web", 2, "engine:v1"));
        await cluster.WaitForAsync(BuiltInTypes.Deployments, Manifests.Namespace, "web", ClusterQueries.RolledOut, "v1 is rolled out");
        var first = Assert.Single(cluster.ReplicaSets("web"));
        cluster.SetImage("web", "engine:v2");
        await WaitForImageAsync(cluster, "engine:v2");

        cluster.SetImage("web", "engine:v1");
        await WaitForImageAsync(cluster, "engine:v1");

        var sets = cluster.ReplicaSets("web");
        Assert.Equal(2, sets.Count);
        var reused = sets.Single(rs => rs.Name() == first.Name());
        Assert.Equal(first.Uid(), reused.Uid());
        Assert.Equal("3", reused.Annotation("deployment.kubernetes.io/revision"));
        Assert.Equal("1", reused.Annotation("deployment.kubernetes.io/revision-history"));
        Assert.Equal(2, reused["spec"]!["replicas"].AsInt());
        Assert.Equal("3", cluster.Deployment("web")!.Annotation("deployment.kubernetes.io/revision"));
        Assert.All(cluster.LivePods("web"), p => Assert.Equal(first.Labels()["pod-template-hash"], p.Labels()["pod-template-hash"]));
    }

    [Fact]
    public async Task Cleanup_Should_KeepRevisionHistoryLimitOldReplicaSets_When_RolloutsComplete()
    {
        await using var cluster = await TestCluster.StartAsync();
        var manifest = Manifests.Deployment("web", 1, "engine:v1");
        manifest["spec"]!["revisionHistoryLimit"] = 1;
        cluster.Store.Create(BuiltInTypes.Deployments, manifest);
        await cluster.WaitForAsync(BuiltInTypes.Deployments, Manifests.Namespace, "web", ClusterQueries.RolledOut, "v1 is rolled out");

        foreach (var image in new[] { "engine:v2", "engine:v3", "engine:v4" })
        {
            cluster.SetImage("web", image);
            await WaitForImageAsync(cluster, image);
        }

        await cluster.WaitUntilAsync(() => cluster.ReplicaSets("web").Count == 2, "only one old replica set is left",
            describe: () => string.Join(", ", cluster.ReplicaSets("web").Select(ClusterQueries.Image)));
        var images = cluster.ReplicaSets("web").Select(ClusterQueries.Image).Order().ToList();
        Assert.Equal(["engine:v3", "engine:v4"], images);
    }

    [Fact]
    public async Task Recreate_Should_RemoveEveryOldPodBeforeStartingNewOnes_When_TheTemplateChanges()
    {
        await using var cluster = await TestCluster.StartAsync();
        var manifest = Manifests.Deployment("web", 3, "engine:v1");
        manifest["spec"]!["strategy"] = new System.Text.Json.Nodes.JsonObject { ["type"] = "Recreate" };
        cluster.Store.Create(BuiltInTypes.Deployments, manifest);
        await cluster.WaitForAsync(BuiltInTypes.Deployments, Manifests.Namespace, "web", ClusterQueries.RolledOut, "v1 is rolled out");
        using var census = new PodCensus(cluster.Store, "web");

        cluster.SetImage("web", "engine:v2");
        await WaitForImageAsync(cluster, "engine:v2");

        Assert.DoesNotContain(census.Counts, c => c.Images.Contains("engine:v1") && c.Images.Contains("engine:v2"));
        Assert.Contains(census.Counts, c => c.Live == 0);
        Assert.Equal(3, cluster.LivePods("web").Count);
    }

    private static Task WaitForImageAsync(TestCluster cluster, string image) =>
        cluster.WaitUntilAsync(
            () => ClusterQueries.RolledOut(cluster.Deployment("web")!) && cluster.LivePods("web").All(p => ClusterQueries.Image(p) == image) &&
                  cluster.ReplicaSets("web").All(rs => ClusterQueries.Image(rs) == image || rs["spec"]?["replicas"].AsInt() == 0),
            $"{image} is rolled out");
}
