using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LlmOperator.Charts.Tests.GitOps.Health;
using LlmOperator.EndToEnd.Tests.Support;
using LlmOperator.LocalCluster.Kubelet;
using LlmOperator.Operator.Up;

namespace LlmOperator.EndToEnd.Tests;

/// <summary>
/// The product path with nothing stood in: kubectl applies the repository's manifests to the local control plane, the
/// operator's webhooks admit or refuse them, the operator rolls out real engine processes that load the tiny Llama 4
/// from the node's model cache, proves the revision with a long-context request, and a client reaches it through the
/// Service.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ModelDeploymentEndToEndTests(StackFixture fixture) : IClassFixture<StackFixture>
{
    private Kubectl Kubectl => fixture.Kubectl;

    [KubectlFact]
    public async Task KubectlApply_Should_BecomeReadyAndAnswerThroughTheService_When_TheTinyLlama4ExampleIsApplied()
    {
        await Kubectl.SucceedAsync("apply", "-f", "examples/tiny-llama4.yaml");
        await Kubectl.SucceedAsync("wait", "--for=condition=Ready", "md/tiny-llama4", "--timeout=240s");

        var proxyPort = await Kubectl.SucceedAsync("get", "svc", "tiny-llama4", "-o",
            "jsonpath={.metadata.annotations.localcluster\\.llmoperator\\.dev/proxy-port-8000}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{proxyPort}"), Timeout = TimeSpan.FromSeconds(60) };
        using var response = await http.PostAsJsonAsync("/v1/completions",
            new { model = "llmoperator/tiny-llama4", prompt = "Once upon a time", max_tokens = 4, temperature = 0, ignore_eos = true });
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.IsSuccessStatusCode, body);
        var completion = JsonNode.Parse(body)!;
        Assert.Equal("llmoperator/tiny-llama4", (string?)completion["model"]);
        Assert.Equal(4, (int)completion["usage"]!["completion_tokens"]!);
        var md = JsonNode.Parse(await Kubectl.SucceedAsync("get", "md", "tiny-llama4", "-o", "json"))!;
        var status = md["status"]!;
        Assert.Equal("Ready", (string?)status["phase"]);
        await AssertArgoHealthAsync("e2e-ready", md, "Healthy", "Ready");
        Assert.Equal("Good", (string?)status["revisions"]![0]!["outcome"]);
        AssertRunsTheRealEngine(await Kubectl.SucceedAsync("get", "pods", "-l", "app.kubernetes.io/instance=tiny-llama4", "-o", "jsonpath={.items[0].metadata.name}"));
    }

    [KubectlFact]
    public async Task KubectlApply_Should_ExitOneWithTheRulesMessage_When_TheWebhookRefusesAnInvalidResource()
    {
        var (code, stdout, stderr) = await Kubectl.RunAsync("apply", "-f", "examples/invalid/tp-does-not-divide-heads.yaml");

        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Contains("admission webhook \"validate.modeldeployments.inference.llmoperator.dev\" denied the request: " +
                        "ModelDeployment default/scout-tp3 is invalid (4 errors):", stderr);
        Assert.Contains("  * spec.engine.tensorParallelSize [tp-attention-heads]: tensorParallelSize 3 does not divide the 40 attention heads " +
                        "of meta-llama/Llama-4-Scout-17B-16E-Instruct. Fix: TP values that work for meta-llama/Llama-4-Scout-17B-16E-Instruct: 1, 2, 4, 8.", stderr);
        var (getCode, _, getErr) = await Kubectl.RunAsync("get", "md", "scout-tp3");
        Assert.Equal(1, getCode);
        Assert.Contains("NotFound", getErr);
    }

    [KubectlFact]
    public async Task KubectlPatch_Should_RollBackToTheGoodRevision_When_TheNewPodsHitADeviceSideAssert()
    {
        var manifest = Kubectl.WriteFile("tiny-rollback.yaml", (await File.ReadAllTextAsync(RepositoryPaths.Of("examples", "tiny-llama4.yaml")))
            .Replace("name: tiny-llama4", "name: tiny-rollback", StringComparison.Ordinal));
        await Kubectl.SucceedAsync("apply", "-f", manifest);
        await Kubectl.SucceedAsync("wait", "--for=condition=Ready", "md/tiny-rollback", "--timeout=240s");
        var good = await Kubectl.SucceedAsync("get", "md", "tiny-rollback", "-o", "jsonpath={.status.currentRevision}");

        // The bad rollout `up` prints: the new pods die of an injected CUDA device-side assert on their first request.
        await Kubectl.SucceedAsync("patch", "md", "tiny-rollback", "--type=merge", "-p", UpRunner.BadRollout);
        await Kubectl.SucceedAsync("wait", "--for=condition=RolledBack", "md/tiny-rollback", "--timeout=240s");

        var md = JsonNode.Parse(await Kubectl.SucceedAsync("get", "md", "tiny-rollback", "-o", "json"))!;
        var status = md["status"]!;
        Assert.Equal(good, (string?)status["currentRevision"]);
        Assert.Equal("RolledBack", (string?)status["phase"]);
        var stalled = status["conditions"]!.AsArray().Single(c => (string?)c!["type"] == "Stalled")!;
        Assert.Equal(("True", "RolledBack"), ((string?)stalled["status"], (string?)stalled["reason"]));
        Assert.Contains("GpuAssertion", (string?)status["failedRevisions"]![0]!["reason"] + (string?)status["failedRevisions"]![0]!["message"]);
        await AssertArgoHealthAsync("e2e-rolled-back", md, "Degraded", "Stalled");
    }

    /// <summary>
    /// The chart's Argo CD health check (lua5.4) on the object kubectl read: STATUS, with the message of the condition
    /// that decides it. Saved as a GitOps fixture when LLMOP_STATUS_SAMPLES_DIR is set.
    /// </summary>
    private static async Task AssertArgoHealthAsync(string moment, JsonNode md, string status, string conditionType)
    {
        StatusSamples.Save(moment, md);
        var health = await ArgoHealthScript.RunAsync(RepositoryPaths.Of("charts", "llm-operator", "docs", "argocd", "health.lua"), md);
        var condition = md["status"]!["conditions"]!.AsArray().Single(c => (string?)c!["type"] == conditionType)!;
        Assert.Equal(new HealthStatus(status, (string)condition["message"]!), health);
    }

    /// <summary>The pod's process is this checkout's engine, given the model as a hub id and the node's cache.</summary>
    private void AssertRunsTheRealEngine(string pod)
    {
        var kubelet = fixture.Stack.Cluster.Components.OfType<LocalKubelet>().Single();
        var pid = kubelet.ProcessId("default", pod, "engine");
        Assert.NotNull(pid);
        var argv = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
        var environment = File.ReadAllText($"/proc/{pid}/environ").Split('\0');
        Assert.EndsWith("LlmOperator.Engine.dll", argv[1]);
        Assert.Equal(["serve", "--model", "llmoperator/tiny-llama4"], argv[2..5]);
        Assert.Contains($"HF_HUB_CACHE={fixture.Stack.ModelCache}", environment);
    }
}
