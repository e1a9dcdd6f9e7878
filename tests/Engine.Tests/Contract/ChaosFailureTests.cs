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
        using var engine = EngineProcess.Start(["--model", made.Directory, "--max-model-len", "512", "--cpu-kv-cache-space", "0.01",
            "--chaos-failure", "device-assert", "--chaos-after-requests", "4"]);
        await engine.WaitUntilReadyAsync();
        using var models = await engine.Http.GetAsync("/v1/models");                                    // request 1
        // A client that keeps reading its stream (request 2), and one waiting for a whole answer (request 3).
        using var client = new HttpClient { BaseAddress = engine.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var firstChunk = new TaskCompletionSource();
        var streamed = Task.Run(async () =>
        {
            var events = new List<string>();
            await foreach (string e in client.StreamAsync("/v1/completions", new { prompt = "streamed", max_tokens = 500, ignore_eos = true, stream = true }))
            {
                events.Add(e);
                firstChunk.TrySetResult();
            }
            return events;
        });
        await firstChunk.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var whole = client.PostAsync("/v1/completions", new { prompt = "whole", max_tokens = 500, ignore_eos = true });
        await Task.Delay(300);

        using var failing = await engine.Http.PostAsync("/v1/completions", new { prompt = "boom", max_tokens = 3 }); // request 4
        var events = await streamed;
        using var inFlight = await whole;
        int exitCode = await engine.WaitForExitAsync();

        foreach (var response in new[] { failing, inFlight })
        {
            Assert.True(response.StatusCode == HttpStatusCode.InternalServerError, engine.Output);
            var error = (await response.JsonAsync()).GetProperty("error");
            Assert.Equal(nameof(FailureClass.GpuAssertion), error.GetProperty("code").GetString());
            Assert.Contains("device-side assert triggered", error.GetProperty("message").GetString());
        }
        Assert.Equal("[DONE]", events[^1]);                                                            // the stream ends with an error event
        Assert.Contains("\"code\":\"GpuAssertion\"", events[^2]);
        Assert.True(exitCode == (int)FailureClass.GpuAssertion, engine.Output);
        var message = StartupFailureTests.AssertOneJsonLine(engine.ReadTerminationLog());
        Assert.Equal(nameof(FailureClass.GpuAssertion), message.Reason);
        Assert.Equal("512", message.Settings["maxModelLen"]);
    }
}
