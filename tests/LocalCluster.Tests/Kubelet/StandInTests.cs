using System.Net;
using System.Text.Json.Nodes;
using k8s.Models;
using LlmOperator.LocalCluster.Storage;
using LlmOperator.Rules.Contract;

namespace LlmOperator.LocalCluster.Tests.Kubelet;

public sealed class StandInTests
{
    [Fact]
    public async Task RunPod_Should_ServeEngineContractWithoutProcess_When_ImageIsStandIn()
    {
        await using var cluster = await KubeletHarness.StartAsync();
        cluster.Create(StandInPod("stand-in", "--served-model-name", "tiny"));

        var ready = await cluster.WaitAsync("stand-in", p => KubeletHarness.Condition(p, "Ready"), "Ready");

        Assert.Null(cluster.Kubelet.ProcessId("default", "stand-in", "engine")); // no host process
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ready.Metadata.Annotations["localcluster.llmoperator.dev/port-8000"]}") };
        var models = JsonNode.Parse(await http.GetStringAsync("/v1/models"))!;
        Assert.Equal("tiny", (string?)models["data"]![0]!["id"]);
        using var completion = await http.PostAsync("/v1/completions", new StringContent("{\"model\":\"tiny\",\"prompt\":\"hello there\"}"));
        Assert.Equal(HttpStatusCode.OK, completion.StatusCode);
        Assert.Equal("length", (string?)JsonNode.Parse(await completion.Content.ReadAsStringAsync())!["choices"]![0]!["finish_reason"]);
    }

    [Fact]
    public async Task RunPod_Should_EndWithEngineExitCodeAndMessage_When_StandInChaosFires()
    {
        await using var cluster = await KubeletHarness.StartAsync();
        var pod = StandInPod("assert", "--chaos-failure", "device-assert", "--chaos-after-requests", "2");
        pod.Spec.RestartPolicy = "Never";
        cluster.Create(pod);
        var ready = await cluster.WaitAsync("assert", p => KubeletHarness.Condition(p, "Ready"), "Ready");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ready.Metadata.Annotations["localcluster.llmoperator.dev/port-8000"]}") };

        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/v1/completions", new StringContent("{}"))).StatusCode);
        var failing = await http.PostAsync("/v1/completions", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.InternalServerError, failing.StatusCode);
        Assert.Contains("device-side assert triggered", await failing.Content.ReadAsStringAsync());

        var failed = await cluster.WaitAsync("assert", p => p.Status?.Phase == "Failed", "Failed");
        var terminated = KubeletHarness.Container(failed, "engine").State.Terminated;
        Assert.Equal((int)FailureClass.GpuAssertion, terminated.ExitCode);
        var message = TerminationMessage.TryParse(terminated.Message);
        Assert.NotNull(message);
        Assert.Equal("GpuAssertion", message.Reason);
        Assert.Equal("llmoperator/tiny-llama4", message.Settings["model"]);
    }

    [Fact]
    public async Task DeletePod_Should_EndStandInWithZero_When_PodIsDeleted()
    {
        await using var cluster = await KubeletHarness.StartAsync();
        cluster.Create(StandInPod("short"));
        var ready = await cluster.WaitAsync("short", p => KubeletHarness.Condition(p, "Ready"), "Ready");
        var port = ready.Metadata.Annotations["localcluster.llmoperator.dev/port-8000"];

        cluster.Store.Delete(BuiltInTypes.Pods, "default", "short");
        await cluster.WaitGoneAsync("short");

        using var http = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"http://127.0.0.1:{port}/health"));
    }

    private static V1Pod StandInPod(string name, params string[] extraArgs) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec
        {
            TerminationGracePeriodSeconds = 2,
            Containers =
            [
                new V1Container
                {
                    Name = "engine",
                    Image = "llmoperator/stand-in:latest",
                    Args = ["serve", "--model", "llmoperator/tiny-llama4", "--port", "8000", .. extraArgs],
                    Ports = [new V1ContainerPort { ContainerPort = 8000, Name = "http" }],
                    ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/ready", Port = "http" }, PeriodSeconds = 1 },
                    LivenessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/health", Port = "http" }, PeriodSeconds = 1 },
                    TerminationMessagePolicy = "FallbackToLogsOnError",
                },
            ],
        },
    };
}
