using k8s.Autorest;
using k8s.Models;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Kubernetes;
using LlmOperator.Operator.Tests.Fakes;
using Microsoft.AspNetCore.Http;
using S = LlmOperator.Operator.Tests.Fakes.MockKubeApiServer;

namespace LlmOperator.Operator.Tests.Kubernetes;

public sealed class KubernetesClusterClientTests
{
    private const string MdJson = """{"apiVersion":"inference.llmoperator.dev/v1alpha1","kind":"ModelDeployment","metadata":{"name":"tiny","namespace":"ml","resourceVersion":"4","generation":2},"spec":{"model":{"name":"llmoperator/tiny-llama4"},"replicas":3}}""";

    private static KubernetesClusterClient ClientFor(S server) =>
        new(server.Client(), ApiResilience.Create(baseDelay: TimeSpan.FromMilliseconds(1), retryConflicts: false));

    [Fact]
    public async Task Get_Should_ReturnNull_When_ObjectDoesNotExist()
    {
        await using var server = await S.StartAsync(c => S.StatusAsync(c, 404, "NotFound", "deployments.apps \"tiny\" not found"));

        Assert.Null(await ClientFor(server).GetAsync<V1Deployment>("ml", "tiny", CancellationToken.None));
        Assert.Equal(["GET /apis/apps/v1/namespaces/ml/deployments/tiny"], server.Requests);
    }

    [Fact]
    public async Task Get_Should_RetryAndSucceed_When_ApiServerAnswers503()
    {
        int calls = 0;
        await using var server = await S.StartAsync(c => Interlocked.Increment(ref calls) <= 2
            ? S.StatusAsync(c, 503, "ServiceUnavailable")
            : S.JsonAsync(c, MdJson));

        var md = await ClientFor(server).GetAsync<V1Alpha1ModelDeployment>("ml", "tiny", CancellationToken.None);

        Assert.Equal((3, 2L), (md!.Spec.Replicas, md.Metadata.Generation));
        Assert.Equal(3, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal("GET /apis/inference.llmoperator.dev/v1alpha1/namespaces/ml/modeldeployments/tiny", r));
    }

    [Fact]
    public async Task Replace_Should_ThrowOnce_When_ResourceVersionIsStale()
    {
        await using var server = await S.StartAsync(c => S.StatusAsync(c, 409, "Conflict", "the object has been modified"));
        var deployment = new V1Deployment { Metadata = new V1ObjectMeta { Name = "tiny", NamespaceProperty = "ml", ResourceVersion = "3" } };

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => ClientFor(server).ReplaceAsync(deployment, CancellationToken.None));

        Assert.True(ApiResilience.IsConflict(error));
        Assert.Equal(["PUT /apis/apps/v1/namespaces/ml/deployments/tiny"], server.Requests);
    }

    [Fact]
    public async Task ReplaceStatus_Should_PutStatusSubresource_When_WritingModelDeploymentStatus()
    {
        string? body = null;
        await using var server = await S.StartAsync(async c =>
        {
            body = await new StreamReader(c.Request.Body).ReadToEndAsync();
            await S.JsonAsync(c, MdJson);
        });
        var md = new V1Alpha1ModelDeployment
        {
            Metadata = new V1ObjectMeta { Name = "tiny", NamespaceProperty = "ml", ResourceVersion = "4" },
            Status = new ModelDeploymentStatus { Phase = "Ready", ObservedGeneration = 2 },
        };

        await ClientFor(server).ReplaceStatusAsync(md, CancellationToken.None);

        Assert.Equal(["PUT /apis/inference.llmoperator.dev/v1alpha1/namespaces/ml/modeldeployments/tiny/status"], server.Requests);
        Assert.Contains("\"phase\":\"Ready\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Patch_Should_SendMergePatch_When_RemovingAnnotation()
    {
        string? contentType = null;
        await using var server = await S.StartAsync(c => { contentType = c.Request.ContentType; return S.JsonAsync(c, MdJson); });

        await ClientFor(server).PatchAsync<V1Alpha1ModelDeployment>("ml", "tiny", """{"metadata":{"annotations":{"a":null}}}""", CancellationToken.None);

        Assert.StartsWith("application/merge-patch+json", contentType, StringComparison.Ordinal);
        Assert.Equal(["PATCH /apis/inference.llmoperator.dev/v1alpha1/namespaces/ml/modeldeployments/tiny"], server.Requests);
    }

    [Fact]
    public async Task List_Should_PassLabelSelector_When_ListingPods()
    {
        await using var server = await S.StartAsync(c => S.JsonAsync(c, S.List("PodList", "9", S.Pod("a", "3"), S.Pod("b", "4"))));

        var pods = await ClientFor(server).ListAsync<V1Pod>("ml", "app.kubernetes.io/instance=tiny", CancellationToken.None);

        Assert.Equal(["a", "b"], pods.Select(p => p.Metadata.Name));
        Assert.StartsWith("GET /api/v1/namespaces/ml/pods?labelSelector=app.kubernetes.io/instance=tiny", Uri.UnescapeDataString(server.Requests.Single()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadLog_Should_AskForPreviousContainer_When_ContainerRestarted()
    {
        await using var server = await S.StartAsync(async c =>
        {
            c.Response.ContentType = "text/plain";
            await c.Response.WriteAsync("CUDA error: device-side assert triggered\n");
        });

        var log = await ClientFor(server).ReadLogAsync("ml", "tiny-0", "engine", previous: true, 1024, CancellationToken.None);

        Assert.Equal("CUDA error: device-side assert triggered\n", log);
        var request = server.Requests.Single();
        foreach (var part in new[] { "/api/v1/namespaces/ml/pods/tiny-0/log", "container=engine", "previous=true", "limitBytes=1024" })
            Assert.Contains(part, request, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadLog_Should_ReturnNull_When_NoPreviousContainer()
    {
        await using var server = await S.StartAsync(c => S.StatusAsync(c, 400, "BadRequest", "previous terminated container \"engine\" in pod \"tiny-0\" not found"));

        Assert.Null(await ClientFor(server).ReadLogAsync("ml", "tiny-0", "engine", previous: true, 1024, CancellationToken.None));
    }

    [Fact]
    public async Task Delete_Should_ReturnFalse_When_AlreadyGone()
    {
        await using var server = await S.StartAsync(c => S.StatusAsync(c, 404, "NotFound"));

        Assert.False(await ClientFor(server).DeleteAsync<V1Pod>("ml", "tiny-0", CancellationToken.None));
        Assert.Equal(["DELETE /api/v1/namespaces/ml/pods/tiny-0"], server.Requests);
    }
}
