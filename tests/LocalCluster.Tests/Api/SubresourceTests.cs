using System.Net;
using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;
using LlmOperator.LocalCluster.Tests.Support;

namespace LlmOperator.LocalCluster.Tests.Api;

public sealed class SubresourceTests
{
    [Fact]
    public async Task Scale_Should_ChangeReplicas_When_ScalePatched()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        await client.AppsV1.CreateNamespacedDeploymentAsync(Clusters.Deployment("web", replicas: 1), "default");

        var scale = await client.AppsV1.PatchNamespacedDeploymentScaleAsync(
            new V1Patch("""{"spec":{"replicas":3}}""", V1Patch.PatchType.MergePatch), "web", "default");

        Assert.Equal("Scale", scale.Kind);
        Assert.Equal("autoscaling/v1", scale.ApiVersion);
        Assert.Equal(3, scale.Spec.Replicas);
        Assert.Equal("app=web", scale.Status.Selector);
        Assert.Equal(3, (await client.AppsV1.ReadNamespacedDeploymentAsync("web", "default")).Spec.Replicas);
    }

    [Fact]
    public async Task Scale_Should_Answer422_When_ReplicasAreNegative()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        await client.AppsV1.CreateNamespacedDeploymentAsync(Clusters.Deployment("web"), "default");
        var scale = await client.AppsV1.ReadNamespacedDeploymentScaleAsync("web", "default");
        scale.Spec.Replicas = -1;

        var (code, status) = await Clusters.FailureOf(() => client.AppsV1.ReplaceNamespacedDeploymentScaleAsync(scale, "web", "default"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal("spec.replicas", Assert.Single(status.Details.Causes).Field);
    }

    [Fact]
    public async Task Log_Should_AnswerTail_When_TailLinesGiven()
    {
        var logs = new FakeLogs("one\ntwo\nthree\n");
        await using var cluster = await Clusters.StartAsync(o => o with { Components = [_ => logs] });
        await CreatePodAsync(cluster.CreateClient());

        var (code, body, response) = await Clusters.SendAsync(cluster, HttpMethod.Get, "/api/v1/namespaces/default/pods/p/log?container=main&tailLines=2");

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("two\nthree\n", body);
    }

    [Fact]
    public async Task Log_Should_StreamLines_When_Followed()
    {
        var logs = new FakeLogs("one\ntwo\n");
        await using var cluster = await Clusters.StartAsync(o => o with { Components = [_ => logs] });
        await CreatePodAsync(cluster.CreateClient());

        var (code, body, _) = await Clusters.SendAsync(cluster, HttpMethod.Get, "/api/v1/namespaces/default/pods/p/log?follow=true&tailLines=1");

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("two\n", body);
    }

    [Fact]
    public async Task Log_Should_Answer400_When_ContainerIsUnknown()
    {
        await using var cluster = await Clusters.StartAsync(o => o with { Components = [_ => new FakeLogs("")] });
        await CreatePodAsync(cluster.CreateClient());

        var (code, body, _) = await Clusters.SendAsync(cluster, HttpMethod.Get, "/api/v1/namespaces/default/pods/p/log?container=nope");

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Contains("container nope is not valid for pod p", body);
    }

    [Fact]
    public async Task Log_Should_Answer404_When_PodIsMissing()
    {
        await using var cluster = await Clusters.StartAsync();

        var (code, body, _) = await Clusters.SendAsync(cluster, HttpMethod.Get, "/api/v1/namespaces/default/pods/nope/log");

        Assert.Equal(HttpStatusCode.NotFound, code);
        Assert.Contains("pods \\\"nope\\\" not found", body);
    }

    private static Task<V1Pod> CreatePodAsync(Kubernetes client) => client.CoreV1.CreateNamespacedPodAsync(new V1Pod
    {
        Metadata = new V1ObjectMeta { Name = "p" },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = "i" }] },
    }, "default");

    /// <summary>A kubelet stand-in: a fixed log for every container; following replays it and ends.</summary>
    private sealed class FakeLogs(string text) : IPodLogSource, IClusterComponent
    {
        public string? ReadLog(string ns, string pod, string container, bool previous, int? tailLines)
        {
            var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var kept = tailLines is { } tail ? lines.TakeLast(tail) : lines;
            return string.Concat(kept.Select(l => l + "\n"));
        }

        public async IAsyncEnumerable<string> FollowLog(string ns, string pod, string container, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                await Task.Yield();
                yield return line;
            }
        }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
