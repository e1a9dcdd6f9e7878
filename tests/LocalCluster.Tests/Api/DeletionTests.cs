using System.Net;
using k8s;
using k8s.Models;
using LlmOperator.LocalCluster.Tests.Support;

namespace LlmOperator.LocalCluster.Tests.Api;

public sealed class DeletionTests
{
    [Fact]
    public async Task Delete_Should_OnlyMarkObject_When_FinalizersRemain()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        var cm = Clusters.ConfigMap("guarded");
        cm.Metadata.Finalizers = ["example.io/cleanup"];
        await client.CoreV1.CreateNamespacedConfigMapAsync(cm, "default");

        await client.CoreV1.DeleteNamespacedConfigMapAsync("guarded", "default");
        var marked = await client.CoreV1.ReadNamespacedConfigMapAsync("guarded", "default");
        marked.Metadata.Finalizers = [];
        await client.CoreV1.ReplaceNamespacedConfigMapAsync(marked, "guarded", "default");

        Assert.NotNull(marked.Metadata.DeletionTimestamp);
        var (code, _) = await Clusters.FailureOf(() => client.CoreV1.ReadNamespacedConfigMapAsync("guarded", "default"));
        Assert.Equal(HttpStatusCode.NotFound, code);
    }

    [Fact]
    public async Task Delete_Should_AnswerWithObject_When_KindReturnsDeletedObjects()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        var pod = new V1Pod { Metadata = new V1ObjectMeta { Name = "p" }, Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "i" }] } };
        var created = await client.CoreV1.CreateNamespacedPodAsync(pod, "default");

        var deleted = await client.CoreV1.DeleteNamespacedPodAsync("p", "default");

        Assert.Equal(created.Metadata.Uid, deleted.Metadata.Uid);
        Assert.Equal("Pod", deleted.Kind);
    }

    [Fact]
    public async Task Delete_Should_Answer409_When_UidPreconditionFails()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap("cfg"), "default");

        var (code, status) = await Clusters.FailureOf(() => client.CoreV1.DeleteNamespacedConfigMapAsync("cfg", "default",
            new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = "someone-else" } }));

        Assert.Equal(HttpStatusCode.Conflict, code);
        Assert.Equal("Conflict", status.Reason);
    }

    [Fact]
    public async Task Delete_Should_AddForegroundFinalizer_When_PropagationIsForeground()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        await client.AppsV1.CreateNamespacedDeploymentAsync(Clusters.Deployment("web"), "default");

        await client.AppsV1.DeleteNamespacedDeploymentAsync("web", "default", new V1DeleteOptions { PropagationPolicy = "Foreground" });

        var pending = await client.AppsV1.ReadNamespacedDeploymentAsync("web", "default");
        Assert.Contains("foregroundDeletion", pending.Metadata.Finalizers);
        Assert.NotNull(pending.Metadata.DeletionTimestamp);
    }

    [Fact]
    public async Task DeleteCollection_Should_DeleteMatchingObjects_When_SelectorIsGiven()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap("a", labels: new Dictionary<string, string> { ["x"] = "1" }), "default");
        await client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap("b"), "default");

        await client.CoreV1.DeleteCollectionNamespacedConfigMapAsync("default", labelSelector: "x=1");

        Assert.Equal(["b"], (await client.CoreV1.ListNamespacedConfigMapAsync("default")).Items.Select(i => i.Metadata.Name));
    }

    [Fact]
    public async Task Delete_Should_KeepObject_When_DryRunIsAll()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap("cfg"), "default");

        await client.CoreV1.DeleteNamespacedConfigMapAsync("cfg", "default", dryRun: "All");

        Assert.NotNull(await client.CoreV1.ReadNamespacedConfigMapAsync("cfg", "default"));
    }

    [Fact]
    public async Task Create_Should_Answer403_When_NamespaceIsTerminating()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "closing", Finalizers = ["example.io/hold"] } });
        await client.CoreV1.DeleteNamespaceAsync("closing");

        var (code, status) = await Clusters.FailureOf(() => client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap("late"), "closing"));

        Assert.Equal(HttpStatusCode.Forbidden, code);
        Assert.Contains("being terminated", status.Message);
    }
}
