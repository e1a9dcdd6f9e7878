using System.Net;
using System.Text.Json;
using LlmOperator.Engine.Tests.Hosting;
using LlmOperator.Rules.Contract;

namespace LlmOperator.Engine.Tests.Contract;

/// <summary>The failure path end to end: a chaos-injected CUDA failure fails the request, is classified, and ends the process.</summary>
public sealed class ChaosFailureTests
{
    [Fact]
    public async Task Serve_Should_FailSecondRequestAndExitWithGpuAssertion_When_ChaosAfterTwoRequests()
    {
        using var engine = EngineProcess.Start(["--model", "llmoperator/tiny-llama4", "--max-model-len", "4096",
            "--chaos-failure", "device-assert", "--chaos-after-requests", "2"]);
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
        Assert.Equal("llmoperator/tiny-llama4", message.Settings["model"]);
        Assert.Equal("4096", message.Settings["maxModelLen"]);
    }

    [Fact]
    public async Task Serve_Should_ExitWithGpuOutOfMemory_When_ChaosAfterSeconds()
    {
        using var engine = EngineProcess.Start(["--model", "llmoperator/tiny-llama4", "--max-model-len", "4096",
            "--chaos-failure", "out-of-memory", "--chaos-after-seconds", "0.5"]);

        int exitCode = await engine.WaitForExitAsync();

        Assert.True(exitCode == (int)FailureClass.GpuOutOfMemory, engine.Output);
        var message = StartupFailureTests.AssertOneJsonLine(engine.ReadTerminationLog());
        Assert.Equal(nameof(FailureClass.GpuOutOfMemory), message.Reason);
        Assert.Contains("CUDA out of memory", message.Message);
    }
}
