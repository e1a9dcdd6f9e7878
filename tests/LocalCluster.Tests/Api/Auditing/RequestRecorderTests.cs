using k8s;
using k8s.Models;
using LlmOperator.LocalCluster.Api.Auditing;
using LlmOperator.LocalCluster.Tests.Support;

namespace LlmOperator.LocalCluster.Tests.Api.Auditing;

/// <summary>The API server's request recorder: kube-apiserver's RequestInfo and the client, for each resource request.</summary>
public sealed class RequestRecorderTests
{
    private const string Agent = "recorder-test/1.0";

    [Fact]
    public async Task Record_Should_NameVerbsAsRbacDoes_When_AClientCallsEachKindOfEndpoint()
    {
        var audit = new RequestLog();
        await using var cluster = await Clusters.StartAsync(o => o with { ApiServer = o.ApiServer with { Audit = audit } });
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = cluster.Address.ToString(), UserAgent = Agent });

        var created = await client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap("a"), "default");
        await client.CoreV1.ReadNamespacedConfigMapAsync("a", "default");
        await client.CoreV1.ListNamespacedConfigMapAsync("default");
        await client.CoreV1.ListConfigMapForAllNamespacesAsync();
        await client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "a", "default");
        await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"k":"v"}}""", V1Patch.PatchType.MergePatch), "a", "default");
        await client.CoreV1.DeleteNamespacedConfigMapAsync("a", "default");
        await client.CoreV1.DeleteCollectionNamespacedConfigMapAsync("default");
        var deployment = await client.AppsV1.CreateNamespacedDeploymentAsync(Clusters.Deployment("web"), "default");
        await client.AppsV1.ReplaceNamespacedDeploymentStatusAsync(deployment, "web", "default");
        await client.CoreV1.ReadNamespaceAsync("default");
        await WatchOnceAsync(cluster);

        Assert.Equal(
        [
            "create configmaps default ",
            "get configmaps default a",
            "list configmaps default ",
            "list configmaps  ",
            "update configmaps default a",
            "patch configmaps default a",
            "delete configmaps default a",
            "deletecollection configmaps default ",
            "create apps/deployments default ",
            "update apps/deployments/status default web",
            "get namespaces default default",
            "watch apps/deployments kube-system ",
        ], audit.Snapshot().Select(r => $"{r.Verb} {(r.ApiGroup.Length == 0 ? "" : r.ApiGroup + "/")}{r.RuleResource} {r.Namespace} {r.Name}"));
        Assert.All(audit.Snapshot().SkipLast(1), r => Assert.Equal(Agent, r.UserAgent));
    }

    [Fact]
    public async Task Record_Should_KeepRefusedRequestsAndSkipUnservedPaths_When_TheServerAnswersAnError()
    {
        var audit = new RequestLog();
        await using var cluster = await Clusters.StartAsync(o => o with { ApiServer = o.ApiServer with { Audit = audit } });
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = cluster.Address.ToString(), UserAgent = Agent });

        await Clusters.FailureOf(() => client.CoreV1.ReadNamespacedSecretAsync("missing", "default"));
        var (code, _, _) = await Clusters.SendAsync(cluster, HttpMethod.Get, "/apis/example.com/v1/namespaces/default/widgets");

        Assert.Equal(System.Net.HttpStatusCode.NotFound, code);
        var request = Assert.Single(audit.Snapshot());
        Assert.Equal(new RequestAttributes(Agent, "get", "", "v1", "secrets", null, "default", "missing"), request);
        Assert.Equal("get core/secrets in default name=missing", request.ToString());
        Assert.Empty(audit.Snapshot("llm-operator/"));
    }

    /// <summary>A watch (GET on a collection with watch=true), closed once its headers arrive.</summary>
    private static async Task WatchOnceAsync(LocalClusterHost cluster)
    {
        using var http = new HttpClient { BaseAddress = cluster.Address };
        using var response = await http.GetAsync("/apis/apps/v1/namespaces/kube-system/deployments?watch=true", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
    }
}
