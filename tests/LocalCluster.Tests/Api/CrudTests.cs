using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using LlmOperator.LocalCluster.Tests.Support;

namespace LlmOperator.LocalCluster.Tests.Api;

public sealed class CrudTests
{
    [Fact]
    public async Task Create_Should_SetServerFields_When_ObjectIsNew()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();

        var created = await client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap("settings"), "default");

        Assert.Equal("default", created.Metadata.NamespaceProperty);
        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));
        Assert.NotNull(created.Metadata.CreationTimestamp);
        Assert.True(long.Parse(created.Metadata.ResourceVersion) > 0);
        Assert.Null(created.Metadata.ManagedFields);
        var read = await client.CoreV1.ReadNamespacedConfigMapAsync("settings", "default");
        Assert.Equal(created.Metadata.Uid, read.Metadata.Uid);
        Assert.Equal("value", read.Data["key"]);
    }

    [Fact]
    public async Task Create_Should_Answer409AlreadyExists_When_NameIsTaken()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap("taken"), "default");

        var (code, status) = await Clusters.FailureOf(() => client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap("taken"), "default"));

        Assert.Equal(HttpStatusCode.Conflict, code);
        Assert.Equal("AlreadyExists", status.Reason);
        Assert.Equal("configmaps \"taken\" already exists", status.Message);
        Assert.Equal("taken", status.Details.Name);
    }

    [Fact]
    public async Task Update_Should_Answer409Conflict_When_ResourceVersionIsStale()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        var first = await client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap("shared"), "default");
        first.Data["key"] = "second";
        await client.CoreV1.ReplaceNamespacedConfigMapAsync(first, "shared", "default");

        first.Data["key"] = "stale";
        var (code, status) = await Clusters.FailureOf(() => client.CoreV1.ReplaceNamespacedConfigMapAsync(first, "shared", "default"));

        Assert.Equal(HttpStatusCode.Conflict, code);
        Assert.Equal("Conflict", status.Reason);
        Assert.Contains("the object has been modified", status.Message);
        Assert.Equal("second", (await client.CoreV1.ReadNamespacedConfigMapAsync("shared", "default")).Data["key"]);
    }

    [Fact]
    public async Task Update_Should_BumpGeneration_When_SpecChangesOnly()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        var created = await client.AppsV1.CreateNamespacedDeploymentAsync(Clusters.Deployment("web"), "default");
        Assert.Equal(1, created.Metadata.Generation);

        created.Metadata.Labels["tier"] = "front";
        var relabelled = await client.AppsV1.ReplaceNamespacedDeploymentAsync(created, "web", "default");
        relabelled.Status = new V1DeploymentStatus { ObservedGeneration = 1, Replicas = 1 };
        var withStatus = await client.AppsV1.ReplaceNamespacedDeploymentStatusAsync(relabelled, "web", "default");
        withStatus.Spec.Replicas = 3;
        var scaled = await client.AppsV1.ReplaceNamespacedDeploymentAsync(withStatus, "web", "default");

        Assert.Equal(1, relabelled.Metadata.Generation);
        Assert.Equal(1, withStatus.Metadata.Generation);
        Assert.Equal(1, withStatus.Status.ObservedGeneration);
        Assert.Equal(2, scaled.Metadata.Generation);
    }

    [Fact]
    public async Task Update_Should_KeepStatus_When_MainResourceIsWritten()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        var created = await client.AppsV1.CreateNamespacedDeploymentAsync(Clusters.Deployment("web"), "default");
        created.Status = new V1DeploymentStatus { Replicas = 7 };
        await client.AppsV1.ReplaceNamespacedDeploymentStatusAsync(created, "web", "default");

        var current = await client.AppsV1.ReadNamespacedDeploymentAsync("web", "default");
        current.Status.Replicas = 99;
        var written = await client.AppsV1.ReplaceNamespacedDeploymentAsync(current, "web", "default");

        Assert.Equal(7, written.Status.Replicas);
    }

    [Fact]
    public async Task Create_Should_DropStatus_When_KindHasStatusSubresource()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        var deployment = Clusters.Deployment("fresh");
        deployment.Status = new V1DeploymentStatus { Replicas = 5 };

        var created = await client.AppsV1.CreateNamespacedDeploymentAsync(deployment, "default");

        Assert.Null(created.Status?.Replicas);
    }

    [Fact]
    public async Task Delete_Should_RemoveObject_When_NoFinalizers()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap("gone"), "default");

        var status = await client.CoreV1.DeleteNamespacedConfigMapAsync("gone", "default");

        Assert.Equal("Success", status.Status);
        var (code, notFound) = await Clusters.FailureOf(() => client.CoreV1.ReadNamespacedConfigMapAsync("gone", "default"));
        Assert.Equal(HttpStatusCode.NotFound, code);
        Assert.Equal("NotFound", notFound.Reason);
        Assert.Equal("configmaps \"gone\" not found", notFound.Message);
    }

    [Fact]
    public async Task Create_Should_Answer404_When_NamespaceDoesNotExist()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();

        var (code, status) = await Clusters.FailureOf(() => client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap("x"), "nowhere"));

        Assert.Equal(HttpStatusCode.NotFound, code);
        Assert.Equal("namespaces \"nowhere\" not found", status.Message);
    }

    [Fact]
    public async Task Create_Should_Answer422WithCauses_When_NameIsInvalid()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();

        var (code, status) = await Clusters.FailureOf(() => client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap("Not_Valid"), "default"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal("Invalid", status.Reason);
        Assert.Equal("metadata.name", Assert.Single(status.Details.Causes).Field);
    }

    [Fact]
    public async Task Create_Should_StoreNothing_When_DryRunIsAll()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        var before = cluster.Store.CurrentResourceVersion;

        var answered = await client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap("draft"), "default", dryRun: "All");

        Assert.Equal("draft", answered.Metadata.Name);
        Assert.False(string.IsNullOrEmpty(answered.Metadata.Uid));
        Assert.Equal(before, cluster.Store.CurrentResourceVersion);
        Assert.Empty((await client.CoreV1.ListNamespacedConfigMapAsync("default")).Items);
    }

    [Fact]
    public async Task List_Should_SpanNamespaces_When_PathHasNoNamespace()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap("a"), "default");
        await client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap("b"), "kube-system");

        var all = await client.CoreV1.ListConfigMapForAllNamespacesAsync();

        Assert.Equal(["default/a", "kube-system/b"], all.Items.Select(c => $"{c.Metadata.NamespaceProperty}/{c.Metadata.Name}"));
        Assert.Equal(cluster.Store.CurrentResourceVersion.ToString(), all.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Request_Should_AnswerStatus404_When_PathIsUnknown()
    {
        await using var cluster = await Clusters.StartAsync();

        var (code, body, response) = await Clusters.SendAsync(cluster, HttpMethod.Get, "/apis/nothing.example.io/v1/things");

        Assert.Equal(HttpStatusCode.NotFound, code);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var status = JsonNode.Parse(body)!;
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.Equal("NotFound", (string?)status["reason"]);
        Assert.Equal(404, (int?)status["code"]);
    }

    [Fact]
    public async Task Create_Should_Answer400_When_BodyNamespaceDiffersFromUrl()
    {
        await using var cluster = await Clusters.StartAsync();
        var body = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","namespace":"kube-system"}}""";

        var (code, text, _) = await Clusters.SendAsync(cluster, HttpMethod.Post, "/api/v1/namespaces/default/configmaps", body);

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Contains("does not match the namespace", text);
    }

    [Fact]
    public async Task Create_Should_Answer400_When_BodyIsNotJson()
    {
        await using var cluster = await Clusters.StartAsync();

        var (code, text, _) = await Clusters.SendAsync(cluster, HttpMethod.Post, "/api/v1/namespaces/default/configmaps", "{not json");

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal("BadRequest", (string?)JsonNode.Parse(text)!["reason"]);
    }

    [Fact]
    public async Task Create_Should_SetPendingPhase_When_PodIsCreated()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "p" },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "i" }] },
            Status = new V1PodStatus { Phase = "Running" },
        };

        var created = await client.CoreV1.CreateNamespacedPodAsync(pod, "default");

        Assert.Equal("Pending", created.Status.Phase);
        Assert.Null(created.Metadata.Generation);
    }
}
