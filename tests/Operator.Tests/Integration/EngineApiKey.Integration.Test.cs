using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using k8s;
using k8s.Models;
using LlmOperator.Operator.Entities;

namespace LlmOperator.Operator.Tests.Integration;

/// <summary>
/// The engine's API key end to end, with a real engine process: the key comes from a Secret the ModelDeployment
/// names, the engine refuses requests without it, the operator's probe authenticates (the resource only becomes Ready
/// through it), and the key shows in no status, Event, workload object, operator log or engine log.
/// </summary>
[Collection(LocalClusterCollection.Name)]
public sealed class EngineApiKeyIntegrationTests
{
    private const string Key = "sk-integration-3c7e51b0-never-print-me";
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Operator_Should_ServeWithTheSecretsKey_And_LeakItNowhere_When_ApiKeySecretRefIsSet()
    {
        using var cache = await TinyModelCache.CreateAsync();
        await using var env = await LocalOperatorCluster.StartAsync(cache.Path);
        using var logs = new CapturedLogs();
        await env.StartOperatorAsync(logs: logs);
        await env.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "engine-key" },
            Data = new Dictionary<string, byte[]> { ["api-key"] = Encoding.UTF8.GetBytes(Key) },
        }, LocalOperatorCluster.Ns);
        var md = LocalOperatorCluster.Tiny("keyed", replicas: 1);
        md.Spec.Engine.ExtraArgs = ["--cpu-kv-cache-space", "0.05"];
        md.Spec.Engine.ApiKeySecretRef = new SecretKeyReference { Name = "engine-key" };
        await env.CreateAsync(md);

        var ready = await env.WaitForConditionAsync("keyed", ConditionTypes.Ready, Patience);

        var url = new Uri(await env.ServiceUrlAsync("keyed"), "/v1/completions");
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await CompleteAsync(http, url, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CompleteAsync(http, url, "sk-wrong")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await CompleteAsync(http, url, Key)).StatusCode);
        foreach (var (what, text) in await EverythingWrittenAsync(env, ready, logs))
            Assert.False(text.Contains(Key, StringComparison.Ordinal), $"the API key leaked into {what}");
    }

    private static async Task<HttpResponseMessage> CompleteAsync(HttpClient http, Uri url, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = JsonContent.Create(new { model = TinyModelCache.Model, prompt = "Hello", max_tokens = 2 }),
        };
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await http.SendAsync(request);
    }

    private static async Task<List<(string What, string Text)>> EverythingWrittenAsync(LocalOperatorCluster env, V1Alpha1ModelDeployment md, CapturedLogs logs)
    {
        const string ns = LocalOperatorCluster.Ns;
        var pods = (await env.Client.CoreV1.ListNamespacedPodAsync(ns)).Items;
        var written = new List<(string, string)>
        {
            ("the ModelDeployment (status included)", KubernetesJson.Serialize(md)),
            ("Events", KubernetesJson.Serialize(await env.Client.CoreV1.ListNamespacedEventAsync(ns))),
            ("the Deployment", KubernetesJson.Serialize(await env.Client.AppsV1.ListNamespacedDeploymentAsync(ns))),
            ("ControllerRevisions", KubernetesJson.Serialize(await env.Client.AppsV1.ListNamespacedControllerRevisionAsync(ns))),
            ("pods", KubernetesJson.Serialize(pods)),
            ("the operator's log", string.Join("\n", logs.Lines)),
        };
        Assert.NotEmpty(logs.Lines);
        foreach (var pod in pods)
        {
            await using var log = await env.Client.CoreV1.ReadNamespacedPodLogAsync(pod.Metadata.Name, ns, "engine");
            written.Add(($"the engine log of {pod.Metadata.Name}", await new StreamReader(log).ReadToEndAsync()));
        }
        return written;
    }
}
