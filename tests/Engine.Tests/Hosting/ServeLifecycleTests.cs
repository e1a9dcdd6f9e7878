using System.Net;
using System.Text.Json;

namespace LlmOperator.Engine.Tests.Hosting;

/// <summary>A valid start serves the probes and the models list; SIGTERM drains and exits 0.</summary>
public sealed class ServeLifecycleTests
{
    [Fact]
    public async Task Serve_Should_BecomeReadyAndListServedModel_When_SettingsAreValid()
    {
        using var engine = EngineProcess.Start(["--model", "llmoperator/tiny-llama4", "--max-model-len", "4096"]);

        await engine.WaitUntilReadyAsync();

        using var health = await engine.Http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var healthBody = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
        Assert.Equal("ready", healthBody.RootElement.GetProperty("status").GetString());
        Assert.Equal("cpu", healthBody.RootElement.GetProperty("device").GetString());
        Assert.Equal("llmoperator/tiny-llama4", healthBody.RootElement.GetProperty("model").GetString());

        using var models = await engine.Http.GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
        using var list = JsonDocument.Parse(await models.Content.ReadAsStringAsync());
        Assert.Equal("list", list.RootElement.GetProperty("object").GetString());
        var model = Assert.Single(list.RootElement.GetProperty("data").EnumerateArray());
        Assert.Equal("llmoperator/tiny-llama4", model.GetProperty("id").GetString());
        Assert.Equal(4096, model.GetProperty("max_model_len").GetInt64());
    }

    [Fact]
    public async Task Serve_Should_ExitZeroWithoutTerminationMessage_When_SigtermArrives()
    {
        using var engine = EngineProcess.Start(["--model", "llmoperator/tiny-llama4", "--max-model-len", "4096"]);
        await engine.WaitUntilReadyAsync();

        await engine.SendSigtermAsync();
        int exitCode = await engine.WaitForExitAsync();

        Assert.True(exitCode == 0, engine.Output);
        Assert.Null(engine.ReadTerminationLog());
    }
}
