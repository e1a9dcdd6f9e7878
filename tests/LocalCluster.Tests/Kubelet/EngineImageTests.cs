using System.Net;
using k8s.Models;
using LlmOperator.LocalCluster.Kubelet.Containers;
using LlmOperator.Rules.Contract;

namespace LlmOperator.LocalCluster.Tests.Kubelet;

/// <summary>The engine image runs this checkout's engine (built before these tests through a build-order reference).</summary>
public sealed class EngineImageTests
{
    [Fact]
    public async Task RunPod_Should_RunCheckoutEngineUntilItsGpuAssertion_When_ImageIsTheEngine()
    {
        var engine = EngineLocator.Find();
        Assert.True(engine is not null, EngineLocator.NotFoundMessage());
        var model = Directory.CreateTempSubdirectory("engine-image-model-");
        try
        {
            await MakeTinyModelAsync(engine, model.FullName);
            await RunUntilGpuAssertionAsync(model.FullName);
        }
        finally
        {
            model.Delete(recursive: true);
        }
    }

    /// <summary>`serve` loads real weights: the engine's own make-model writes the tiny Llama 4 checkpoint.</summary>
    private static async Task MakeTinyModelAsync(string engineDll, string directory)
    {
        using var make = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("dotnet",
            [engineDll, "make-model", "--out", directory, "--preset", "tiny-llama4"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var errors = make.StandardError.ReadToEndAsync();
        await make.StandardOutput.ReadToEndAsync();
        await make.WaitForExitAsync();
        Assert.True(make.ExitCode == 0, "make-model failed: " + await errors);
    }

    private static async Task RunUntilGpuAssertionAsync(string modelDirectory)
    {
        await using var cluster = await KubeletHarness.StartAsync();
        cluster.Create(EnginePod("engine", modelDirectory, "--chaos-failure", "device-assert", "--chaos-after-requests", "2"));

        var ready = await cluster.WaitAsync("engine", p => KubeletHarness.Condition(p, "Ready"), "Ready");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ready.Metadata.Annotations["localcluster.llmoperator.dev/port-8000"]}") };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v1/models")).StatusCode); // --port 8000 was rewritten to the host port
        Assert.Equal(HttpStatusCode.InternalServerError, (await http.GetAsync("/v1/models")).StatusCode);

        var failed = await cluster.WaitAsync("engine", p => p.Status?.Phase == "Failed", "Failed");
        var terminated = KubeletHarness.Container(failed, "engine").State.Terminated;
        Assert.Equal((int)FailureClass.GpuAssertion, terminated.ExitCode);
        // Written by the engine to ENGINE_TERMINATION_LOG_PATH, the container's host file for /dev/termination-log.
        var message = TerminationMessage.TryParse(terminated.Message);
        Assert.NotNull(message);
        Assert.Equal(("GpuAssertion", "4096"), (message.Reason, message.Settings["maxModelLen"]));
        Assert.Contains("termination message:", cluster.Kubelet.ReadLog("default", "engine", "engine", false, null));
    }

    private static V1Pod EnginePod(string name, string modelDirectory, params string[] extraArgs) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec
        {
            RestartPolicy = "Never",
            TerminationGracePeriodSeconds = 5,
            Containers =
            [
                new V1Container
                {
                    Name = "engine",
                    Image = "ghcr.io/llmoperator/engine:0.1.0",
                    Args = ["serve", "--model", modelDirectory, "--served-model-name", "llmoperator/tiny-llama4", "--max-model-len", "4096", "--port", "8000", .. extraArgs],
                    Ports = [new V1ContainerPort { ContainerPort = 8000, Name = "http" }],
                    StartupProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/health", Port = "http" }, PeriodSeconds = 1, FailureThreshold = 60 },
                    ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/ready", Port = "http" }, PeriodSeconds = 1 },
                    TerminationMessagePolicy = "FallbackToLogsOnError",
                },
            ],
        },
    };
}
