using System.Text.RegularExpressions;
using LlmOperator.LocalCluster.Controllers.Deployments;
using LlmOperator.LocalCluster.Controllers.Endpoints;
using LlmOperator.LocalCluster.Controllers.Objects;
using LlmOperator.LocalCluster.Controllers.ReplicaSets;
using LlmOperator.LocalCluster.Controllers.Runtime;
using LlmOperator.LocalCluster.Storage;
using LlmOperator.LocalCluster.Tests.Controllers.Support;

namespace LlmOperator.LocalCluster.Tests.Controllers.Deployments;

public sealed class DeploymentControllerTests
{
    [Fact]
    public async Task Reconcile_Should_CreateReplicaSetAndPods_When_DeploymentIsCreated()
    {
        await using var cluster = await TestCluster.StartAsync();
        cluster.Store.Create(BuiltInTypes.Deployments, Manifests.Deployment("web", 3, "engine:v1"));

        var deployment = await cluster.WaitForAsync(BuiltInTypes.Deployments, Manifests.Namespace, "web", ClusterQueries.RolledOut, "web is rolled out");

        var rs = Assert.Single(cluster.ReplicaSets("web"));
        var hash = rs.Labels()["pod-template-hash"];
        Assert.Matches("^[bcdfghjklmnpqrstvwxz2456789]+$", hash);
        Assert.Equal($"web-{hash}", rs.Name());
        Assert.Equal(hash, (string?)rs["spec"]!["selector"]!["matchLabels"]!["pod-template-hash"]);
        Assert.Equal(hash, (string?)rs["spec"]!["template"]!["metadata"]!["labels"]!["pod-template-hash"]);
        Assert.Equal("1", rs.Annotation("deployment.kubernetes.io/revision"));
        Assert.Equal("1", deployment.Annotation("deployment.kubernetes.io/revision"));
        var owner = rs.ControllerRef()!;
        Assert.Equal(deployment.Uid(), (string?)owner["uid"]);
        Assert.True((bool?)owner["blockOwnerDeletion"]);

        var pods = cluster.Pods("web");
        Assert.Equal(3, pods.Count);
        Assert.All(pods, p =>
        {
            Assert.Matches($"^{Regex.Escape(rs.Name())}-[bcdfghjklmnpqrstvwxz2456789]{{5}}$", p.Name());
            Assert.Equal(hash, p.Labels()["pod-template-hash"]);
            Assert.Equal(rs.Uid(), (string?)p.ControllerRef()!["uid"]);
            Assert.Equal(1, p["spec"]!["containers"]![0]!["resources"]!["limits"]!["nvidia.com/gpu"].AsInt());
        });

        Assert.Equal(3, deployment["status"]!["readyReplicas"].AsInt());
        Assert.Equal(deployment.Meta()["generation"].AsLong(), deployment["status"]!["observedGeneration"].AsLong());
        Assert.Equal("True", (string?)ClusterQueries.Condition(deployment, "Available")!["status"]);
        var progressing = ClusterQueries.Condition(deployment, "Progressing")!;
        Assert.Equal(("True", "NewReplicaSetAvailable"), ((string?)progressing["status"], (string?)progressing["reason"]));
        Assert.Equal($"ReplicaSet \"{rs.Name()}\" has successfully progressed.", (string?)progressing["message"]);

        var scaled = Assert.Single(cluster.Events("web"), e => (string?)e["reason"] == "ScalingReplicaSet");
        Assert.Equal($"Scaled up replica set {rs.Name()} from 0 to 3", (string?)scaled["message"]);
        Assert.Equal("deployment-controller", (string?)scaled["source"]!["component"]);
        Assert.Equal(3, cluster.Events(rs.Name()).Count(e => (string?)e["reason"] == "SuccessfulCreate"));
    }

    [Fact]
    public async Task Reconcile_Should_ScaleTheReplicaSet_When_ReplicasChange()
    {
        await using var cluster = await TestCluster.StartAsync();
        cluster.Store.Create(BuiltInTypes.Deployments, Manifests.Deployment("web", 2, "engine:v1"));
        await cluster.WaitForAsync(BuiltInTypes.Deployments, Manifests.Namespace, "web", ClusterQueries.RolledOut, "web is rolled out");

        cluster.UpdateDeployment("web", d => d["spec"]!["replicas"] = 5);
        await cluster.WaitForAsync(BuiltInTypes.Deployments, Manifests.Namespace, "web", d => ClusterQueries.RolledOut(d) && d["status"]!["replicas"].AsInt() == 5, "web has 5 replicas");
        Assert.Equal(5, cluster.LivePods("web").Count);

        cluster.UpdateDeployment("web", d => d["spec"]!["replicas"] = 1);
        await cluster.WaitUntilAsync(() => cluster.LivePods("web").Count == 1 && ClusterQueries.RolledOut(cluster.Deployment("web")!), "web has 1 pod");

        var rs = Assert.Single(cluster.ReplicaSets("web"));
        Assert.Equal(1, rs["spec"]!["replicas"].AsInt());
        Assert.Equal("1", rs.Annotation("deployment.kubernetes.io/desired-replicas"));
        var messages = cluster.Events("web").Select(e => (string?)e["message"]).ToList();
        Assert.Contains($"Scaled up replica set {rs.Name()} from 2 to 5", messages);
        Assert.Contains($"Scaled down replica set {rs.Name()} from 5 to 1", messages);
    }

    [Fact]
    public async Task Reconcile_Should_WriteNothing_When_EverythingIsUpToDate()
    {
        var cluster = await TestCluster.StartAsync();
        cluster.Store.Create(BuiltInTypes.Deployments, Manifests.Deployment("web", 2, "engine:v1"));
        cluster.Store.Create(BuiltInTypes.Services, Manifests.Service("web", "web", System.Text.Json.Nodes.JsonValue.Create("http")));
        await cluster.WaitForAsync(BuiltInTypes.Deployments, Manifests.Namespace, "web", ClusterQueries.RolledOut, "web is rolled out");
        await cluster.WaitUntilAsync(() => cluster.Store.Get(BuiltInTypes.Endpoints, Manifests.Namespace, "web")?["subsets"] is not null, "the endpoints list the pods");
        await cluster.DisposeAsync();
        var before = cluster.Store.CurrentResourceVersion;

        // Level-based: reconciling the converged state again, in any order, is a no-op.
        await using var deployments = new DeploymentController(cluster.Store);
        await using var sets = new ReplicaSetController(cluster.Store);
        await using var endpoints = new EndpointsController(cluster.Store);
        await ((IReconciler<ObjectKey>)deployments).ReconcileAsync(new(Manifests.Namespace, "web"), CancellationToken.None);
        await ((IReconciler<ObjectKey>)sets).ReconcileAsync(new(Manifests.Namespace, cluster.ReplicaSets("web")[0].Name()), CancellationToken.None);
        await ((IReconciler<ObjectKey>)endpoints).ReconcileAsync(new(Manifests.Namespace, "web"), CancellationToken.None);
        await ((IReconciler<ObjectKey>)deployments).ReconcileAsync(new(Manifests.Namespace, "web"), CancellationToken.None);

        Assert.Equal(before, cluster.Store.CurrentResourceVersion);
    }

    [Fact]
    public async Task Reconcile_Should_RestoreOwnedObjects_When_TheyAreChangedByHand()
    {
        await using var cluster = await TestCluster.StartAsync();
        cluster.Store.Create(BuiltInTypes.Deployments, Manifests.Deployment("web", 2, "engine:v1"));
        await cluster.WaitForAsync(BuiltInTypes.Deployments, Manifests.Namespace, "web", ClusterQueries.RolledOut, "web is rolled out");
        var rs = Assert.Single(cluster.ReplicaSets("web"));

        var scaledByHand = cluster.Store.Get(BuiltInTypes.ReplicaSets, Manifests.Namespace, rs.Name())!;
        scaledByHand["spec"]!["replicas"] = 4;
        cluster.Store.Update(BuiltInTypes.ReplicaSets, scaledByHand);
        await cluster.WaitUntilAsync(
            () => (int?)cluster.Store.Get(BuiltInTypes.ReplicaSets, Manifests.Namespace, rs.Name())?["spec"]?["replicas"] == 2 && cluster.LivePods("web").Count == 2,
            "the replica set is scaled back to 2");

        cluster.Store.Delete(BuiltInTypes.ReplicaSets, Manifests.Namespace, rs.Name());
        await cluster.WaitUntilAsync(
            () => cluster.Store.Get(BuiltInTypes.ReplicaSets, Manifests.Namespace, rs.Name()) is { } again && again.Uid() != rs.Uid() &&
                  ClusterQueries.RolledOut(cluster.Deployment("web")!) && cluster.LivePods("web").Count == 2,
            "the deleted replica set is recreated under the same name");
    }

    [Fact]
    public async Task Reconcile_Should_RecordAWarningAndCreateNothing_When_MaxSurgeAndMaxUnavailableAreBothZero()
    {
        await using var cluster = await TestCluster.StartAsync();
        cluster.Store.Create(BuiltInTypes.Deployments, Manifests.Deployment("web", 2, "engine:v1", maxSurge: "0", maxUnavailable: "0%"));

        await cluster.WaitUntilAsync(() => cluster.Events("web").Any(e => (string?)e["reason"] == "InvalidDeploymentSpec"), "a warning is recorded");

        var warning = Assert.Single(cluster.Events("web"));
        Assert.Equal("Warning", (string?)warning["type"]);
        Assert.Contains("spec.strategy.rollingUpdate.maxUnavailable", (string?)warning["message"]);
        Assert.Contains("may not be 0 when `maxSurge` is 0", (string?)warning["message"]);
        Assert.Empty(cluster.ReplicaSets("web"));
    }

    [Fact]
    public async Task Reconcile_Should_OnlyScale_When_Paused_And_RollOut_When_Resumed()
    {
        await using var cluster = await TestCluster.StartAsync();
        cluster.Store.Create(BuiltInTypes.Deployments, Manifests.Deployment("web", 2, "engine:v1"));
        await cluster.WaitForAsync(BuiltInTypes.Deployments, Manifests.Namespace, "web", ClusterQueries.RolledOut, "web is rolled out");

        cluster.UpdateDeployment("web", d =>
        {
            d["spec"]!["paused"] = true;
            d["spec"]!["replicas"] = 3;
            d["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "engine:v2";
        });
        await cluster.WaitForAsync(BuiltInTypes.Deployments, Manifests.Namespace, "web",
            d => (string?)ClusterQueries.Condition(d, "Progressing")?["reason"] == "DeploymentPaused" && d["status"]?["availableReplicas"].AsInt() == 3,
            "the paused deployment is scaled to 3");
        Assert.Single(cluster.ReplicaSets("web"));
        Assert.All(cluster.LivePods("web"), p => Assert.Equal("engine:v1", ClusterQueries.Image(p)));

        cluster.UpdateDeployment("web", d => d["spec"]!["paused"] = false);
        await cluster.WaitUntilAsync(
            () => ClusterQueries.RolledOut(cluster.Deployment("web")!) && cluster.LivePods("web").All(p => ClusterQueries.Image(p) == "engine:v2") &&
                  (string?)ClusterQueries.Condition(cluster.Deployment("web")!, "Progressing")?["reason"] == "NewReplicaSetAvailable",
            "the resumed deployment rolls out engine:v2");
        Assert.Equal(3, cluster.LivePods("web").Count);
    }
}
