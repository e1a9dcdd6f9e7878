using LlmOperator.LocalCluster.Controllers.Objects;
using LlmOperator.LocalCluster.Storage;
using LlmOperator.LocalCluster.Tests.Controllers.Support;
using Microsoft.Extensions.Time.Testing;

namespace LlmOperator.LocalCluster.Tests.Controllers.Deployments;

public sealed class ProgressDeadlineTests
{
    [Fact]
    public async Task Rollout_Should_ReportProgressDeadlineExceeded_When_NewPodsNeverBecomeReady()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var cluster = await TestCluster.StartAsync(clock, kubelet => kubelet.BecomesReady = pod => ClusterQueries.Image(pod) != "engine:broken");
        var manifest = Manifests.Deployment("web", 2, "engine:v1", maxSurge: "1", maxUnavailable: "0");
        manifest["spec"]!["progressDeadlineSeconds"] = 30;
        cluster.Store.Create(BuiltInTypes.Deployments, manifest);
        await cluster.WaitForAsync(BuiltInTypes.Deployments, Manifests.Namespace, "web", ClusterQueries.RolledOut, "v1 is rolled out");

        var brokenAt = clock.GetUtcNow();
        cluster.SetImage("web", "engine:broken");
        await cluster.WaitUntilAsync(() => cluster.Pods("web").Any(p => ClusterQueries.Image(p) == "engine:broken" && p["status"]?["phase"] is not null),
            "a pod of the broken template is running");
        await cluster.AdvanceUntilAsync(clock, TimeSpan.FromSeconds(5), maxSteps: 20,
            () => (string?)ClusterQueries.Condition(cluster.Deployment("web")!, "Progressing")?["reason"] == "ProgressDeadlineExceeded",
            "the progress deadline");

        var deployment = cluster.Deployment("web")!;
        var progressing = ClusterQueries.Condition(deployment, "Progressing")!;
        var newSet = cluster.ReplicaSets("web").Single(rs => ClusterQueries.Image(rs) == "engine:broken");
        Assert.Equal("False", (string?)progressing["status"]);
        Assert.Equal($"ReplicaSet \"{newSet.Name()}\" has timed out progressing.", (string?)progressing["message"]);
        Assert.True(ObjectJson.ParseTime((string?)progressing["lastUpdateTime"]) >= brokenAt.AddSeconds(30), $"timed out too early: {progressing.ToJsonString()}");
        // maxUnavailable 0: the old pods keep serving while the new one never turns ready.
        Assert.Equal("True", (string?)ClusterQueries.Condition(deployment, "Available")!["status"]);
        Assert.Equal(2, cluster.LivePods("web").Count(p => ClusterQueries.Image(p) == "engine:v1" && ClusterQueries.IsReady(p)));
    }

    [Fact]
    public async Task Rollout_Should_NotTimeOut_When_ItCompletesWithinTheDeadline()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var cluster = await TestCluster.StartAsync(clock);
        var manifest = Manifests.Deployment("web", 2, "engine:v1");
        manifest["spec"]!["progressDeadlineSeconds"] = 30;
        cluster.Store.Create(BuiltInTypes.Deployments, manifest);
        await cluster.WaitForAsync(BuiltInTypes.Deployments, Manifests.Namespace, "web",
            d => ClusterQueries.RolledOut(d) && (string?)ClusterQueries.Condition(d, "Progressing")?["reason"] == "NewReplicaSetAvailable", "v1 is rolled out");

        clock.Advance(TimeSpan.FromMinutes(5));
        cluster.SetImage("web", "engine:v2");
        await cluster.WaitForAsync(BuiltInTypes.Deployments, Manifests.Namespace, "web",
            d => ClusterQueries.RolledOut(d) && (string?)ClusterQueries.Condition(d, "Progressing")?["reason"] == "NewReplicaSetAvailable" &&
                 cluster.LivePods("web").All(p => ClusterQueries.Image(p) == "engine:v2"),
            "v2 is rolled out and reported complete");
    }
}
