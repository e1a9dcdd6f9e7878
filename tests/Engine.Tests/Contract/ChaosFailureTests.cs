using System.Net;
using System.Text.Json;
using LlmOperator.Engine.Tests.Core;
using LlmOperator.Engine.Tests.Hosting;
using LlmOperator.Engine.Tests.Server;
using LlmOperator.Rules.Contract;

namespace LlmOperator.Engine.Tests.Contract;

/// <summary>The failure path end to end: a chaos-injected CUDA failure fails the request, is classified, and ends the process.</summary>
public sealed class ChaosFailureTests(TinyChunkedModel made) : IClassFixture<TinyChunkedModel>
{
    [Fact]
    public async Task Serve_Should_FailSecondRequestAndExitWithGpuAssertion_When_ChaosAfterTwoRequests()
    {
        using var engine = EngineProcess.Start(["--model", made.Directory, "--served-model-name", "llmoperator/tiny-llama4",
            "--max-model-len", "4096", "--cpu-kv-cache-space", "0.01", "--chaos-failure", "device-assert", "--chaos-after-requests", "2"]);
        await engine.WaitUntilReadyAsync();

        using var first = await engine.Http.GetAsync("/v1/models");
        using var second = await engine.Http.GetAsync("/v1/models");
        int exitCode = await engine.WaitForExitAsync();

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, second.StatusCode);
        using var body = JsonDocument.Parse(await second.Content.ReadAsStringAsync());
        var error = body.RootElement.GetProperty("error");
        Assert.Contains("device-side assert triggered", error.GetProperty("message").GetString());
        Assert.Equal(nameof(FailureClass.GpuAssertion), error.GetProperty("code").GetString());
        Assert.True(exitCode == (int)FailureClass.GpuAssertion, engine.Output);

        var message = StartupFailureTests.AssertOneJsonLine(engine.ReadTerminationLog());
        Assert.Equal(nameof(FailureClass.GpuAssertion), message.Reason);
        Assert.Equal(10, message.ExitCode);
        Assert.Contains("device-side assert triggered", message.Message);
        Assert.Equal(made.Directory, message.Settings["model"]);
        Assert.Equal("4096", message.Settings["maxModelLen"]);
    }

    [Fact]
    public async Task Serve_Should_ExitWithGpuOutOfMemory_When_ChaosAfterSeconds()
    {
        using var engine = EngineProcess.Start(["--model", made.Directory, "--max-model-len", "4096", "--cpu-kv-cache-space", "0.01",
            "--chaos-failure", "out-of-memory", "--chaos-after-seconds", "0.5"]);

        int exitCode = await engine.WaitForExitAsync();

        Assert.True(exitCode == (int)FailureClass.GpuOutOfMemory, engine.Output);
        var message = StartupFailureTests.AssertOneJsonLine(engine.ReadTerminationLog());
        Assert.Equal(nameof(FailureClass.GpuOutOfMemory), message.Reason);
        Assert.Contains("CUDA out of memory", message.Message);
    }

    [Fact]
    public async Task Serve_Should_FailInFlightGenerationsWith500AndExit10_When_ADeviceAssertHitsAStep()
    {
        using var engine = EngineProcess.Start(["--model", made.Directory, "--max-model-len", "8192", "--cpu-kv-cache-space", "0.01",
            "--chaos-failure", "device-assert", "--chaos-after-requests", "4"]);
        await engine.WaitUntilReadyAsync();
        using var models = await engine.Http.GetAsync("/v1/models");                                    // request 1
        // Two clients waiting for long answers (requests 2 and 3), both running in the engine when the failure hits.
        using var client = new HttpClient { BaseAddress = engine.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var first = client.PostAsync("/v1/completions", new { prompt = "first", max_tokens = 8000, ignore_eos = true });
        var second = client.PostAsync("/v1/completions", new { prompt = "second", max_tokens = 8000, ignore_eos = true });
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(50))
            if (ApiClient.Sample(await engine.Http.MetricsAsync(), "vllm:num_requests_running") >= 2) break;

        using var failing = await engine.Http.PostAsync("/v1/completions", new { prompt = "boom", max_tokens = 3 }); // request 4
        using var inFlight = await first;
        using var alsoInFlight = await second;
        int exitCode = await engine.WaitForExitAsync();

        foreach (var response in new[] { failing, inFlight, alsoInFlight })
        {
            Assert.True(response.StatusCode == HttpStatusCode.InternalServerError, engine.Output);
            var error = (await response.JsonAsync()).GetProperty("error");
            Assert.Equal(nameof(FailureClass.GpuAssertion), error.GetProperty("code").GetString());
            Assert.Contains("device-side assert triggered", error.GetProperty("message").GetString());
        }
        Assert.True(exitCode == (int)FailureClass.GpuAssertion, engine.Output);
        var message = StartupFailureTests.AssertOneJsonLine(engine.ReadTerminationLog());
        Assert.Equal(nameof(FailureClass.GpuAssertion), message.Reason);
        Assert.Equal("8192", message.Settings["maxModelLen"]);
    }
}
