using System.Net;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace LlmOperator.LocalCluster.Tests.Support;

/// <summary>Starts a fresh local cluster per test (an API server on a free loopback port) and small client helpers.</summary>
internal static class Clusters
{
    public static Task<LocalClusterHost> StartAsync(Func<LocalClusterOptions, LocalClusterOptions>? configure = null)
    {
        var options = new LocalClusterOptions();
        return LocalClusterHost.StartAsync(configure?.Invoke(options) ?? options);
    }

    public static V1ConfigMap ConfigMap(string name, IDictionary<string, string>? data = null, IDictionary<string, string>? labels = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = labels },
        Data = data ?? new Dictionary<string, string> { ["key"] = "value" },
    };

    public static V1Deployment Deployment(string name, int replicas = 1, string image = "web:1") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = name } },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "web", Image = image }] },
            },
        },
    };

    /// <summary>Runs a client call that must fail and returns the HTTP status and the Status body.</summary>
    public static async Task<(HttpStatusCode Code, V1Status Status)> FailureOf(Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<HttpOperationException>(call);
        return (e.Response.StatusCode, KubernetesJson.Deserialize<V1Status>(e.Response.Content));
    }

    /// <summary>A raw request, for what the typed client hides (headers, content types, exact bodies).</summary>
    public static async Task<(HttpStatusCode Code, string Body, HttpResponseMessage Response)> SendAsync(
        LocalClusterHost cluster, HttpMethod method, string path, string? body = null, string contentType = "application/json", string? accept = null)
    {
        using var http = new HttpClient { BaseAddress = cluster.Address };
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, contentType);
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }
}
