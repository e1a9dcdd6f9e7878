using System.Net;
using System.Text.Json.Nodes;
using k8s;
using LlmOperator.LocalCluster.Tests.Support;

namespace LlmOperator.LocalCluster.Tests.Api;

/// <summary>Malformed requests get a 4xx Status naming the problem, never a 500.</summary>
public sealed class BadInputTests
{
    [Theory]
    [InlineData("POST", "/api/v1/namespaces/default/configmaps", """{"metadata":"x"}""", "application/json")]
    [InlineData("POST", "/api/v1/namespaces/default/configmaps", """{"apiVersion":5,"metadata":{"name":"a"}}""", "application/json")]
    [InlineData("POST", "/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"a","labels":{"n":1}}}""", "application/json")]
    [InlineData("POST", "/api/v1/namespaces/default/configmaps", """{"metadata":{"name":7}}""", "application/json")]
    [InlineData("POST", "/api/v1/namespaces/default/configmaps", """[1,2]""", "application/json")]
    [InlineData("POST", "/api/v1/namespaces/default/configmaps", "a: [1, 2\nb: c", "application/yaml")]
    [InlineData("POST", "/api/v1/namespaces/default/configmaps", "not protobuf", "application/vnd.kubernetes.protobuf")]
    [InlineData("PUT", "/api/v1/namespaces/default/configmaps/seed", """{"metadata":"x"}""", "application/json")]
    [InlineData("PATCH", "/api/v1/namespaces/default/configmaps/seed", """{"$patch":5,"data":{"a":"b"}}""", "application/strategic-merge-patch+json")]
    [InlineData("PATCH", "/api/v1/namespaces/default/configmaps/seed", """[{"op":"jump","path":"/data"}]""", "application/json-patch+json")]
    [InlineData("PATCH", "/api/v1/namespaces/default/configmaps/seed", """{"data":{"a":"b"}}""", "text/plain")]
    [InlineData("PATCH", "/apis/apps/v1/namespaces/default/deployments/web/scale", """{"spec":"x"}""", "application/merge-patch+json")]
    [InlineData("DELETE", "/api/v1/namespaces/default/configmaps/seed", """{"propagationPolicy":"Sideways"}""", "application/json")]
    [InlineData("GET", "/api/v1/namespaces/default/configmaps?limit=-1", null, "application/json")]
    [InlineData("GET", "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=abc", null, "application/json")]
    [InlineData("POST", "/api/v1/namespaces/default/configmaps?dryRun=Maybe", """{"metadata":{"name":"a"}}""", "application/json")]
    public async Task Request_Should_AnswerClientError_When_InputIsMalformed(string method, string path, string? body, string contentType)
    {
        await using var cluster = await Clusters.StartAsync();
        await Clusters.SendAsync(cluster, HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"seed"}}""");
        await cluster.CreateClient().AppsV1.CreateNamespacedDeploymentAsync(Clusters.Deployment("web"), "default");

        var (code, text, _) = await Clusters.SendAsync(cluster, new HttpMethod(method), path, body, contentType);

        Assert.InRange((int)code, 400, 499);
        var status = JsonNode.Parse(text)!;
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.False(string.IsNullOrEmpty((string?)status["message"]));
    }
}
