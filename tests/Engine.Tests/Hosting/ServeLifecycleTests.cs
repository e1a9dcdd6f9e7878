using System.Net;
using System.Text.Json;
using LlmOperator.Engine.ModelMaking;
using LlmOperator.Engine.Tests.Core;
using LlmOperator.Engine.Tests.Weights;
using LlmOperator.Rules.Contract;

namespace LlmOperator.Engine.Tests.Hosting;

/// <summary>A valid start loads the model, serves the probes and the models list; SIGTERM drains and exits 0.</summary>
public sealed class ServeLifecycleTests(TinyChunkedModel made) : IClassFixture<TinyChunkedModel>
{
    [Fact]
    public async Task Serve_Should_BecomeReadyAndListServedModel_When_SettingsAreValid()
    {
        using var engine = EngineProcess.Start(["--model", made.Directory, "--served-model-name", "llmoperator/tiny-llama4",
            "--max-model-len", "4096", "--cpu-kv-cache-space", "0.01"]);

        await engine.WaitUntilReadyAsync();

        using var health = await engine.Http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var healthBody = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
        Assert.Equal("ready", healthBody.RootElement.GetProperty("status").GetString());
        Assert.Equal("cpu", healthBody.RootElement.GetProperty("device").GetString());
        Assert.Equal(made.Directory, healthBody.RootElement.GetProperty("model").GetString());
        Assert.Contains("Model loaded", engine.Stdout);

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
        using var engine = EngineProcess.Start(["--model", made.Directory, "--max-model-len", "256", "--cpu-kv-cache-space", "0.01"]);
        await engine.WaitUntilReadyAsync();

        await engine.SendSigtermAsync();
        int exitCode = await engine.WaitForExitAsync();

        Assert.True(exitCode == 0, engine.Output);
        Assert.Null(engine.ReadTerminationLog());
    }

    [Fact]
    public async Task Serve_Should_ExitWithModelLoadNamingTheCache_When_TheModelIsACatalogNameWithoutWeights()
    {
        using var cache = new TempDirectory();
        using var engine = EngineProcess.Start(["--model", "llmoperator/tiny-llama4", "--max-model-len", "4096"],
            environment: new Dictionary<string, string> { ["HF_HUB_CACHE"] = cache.Path });

        int exitCode = await engine.WaitForExitAsync();

        Assert.True(exitCode == (int)FailureClass.ModelLoad, engine.Output);
        Assert.Contains("error [model-load] --model:", engine.Stderr);
        Assert.Contains($"looked in {Path.Combine(cache.Path, "models--llmoperator--tiny-llama4", "snapshots")}", engine.Stderr);
        Assert.Contains("spec.model.weights.pvc", engine.Stderr);
        Assert.Contains("\"reason\":\"ModelLoad\"", engine.ReadTerminationLog());
    }

    [Fact]
    public async Task Serve_Should_LoadTheSnapshotFromTheHubCache_When_TheModelIsAHubId()
    {
        using var home = new TempDirectory();
        MakeModelCommand.MakeIntoCache(new MakeModelRequest("", ModelPresets.TinyLlama4, Seed: 5, "F32", Shards: 1),
            Path.Combine(home.Path, "hub"), "llmoperator/tiny-llama4");
        using var engine = EngineProcess.Start(["--model", "llmoperator/tiny-llama4", "--max-model-len", "4096", "--cpu-kv-cache-space", "0.01"],
            environment: new Dictionary<string, string> { ["HF_HOME"] = home.Path, ["HF_HUB_CACHE"] = "" });

        await engine.WaitUntilReadyAsync();

        using var models = JsonDocument.Parse(await engine.Http.GetStringAsync("/v1/models"));
        Assert.Equal("llmoperator/tiny-llama4", models.RootElement.GetProperty("data")[0].GetProperty("id").GetString());
        using var health = JsonDocument.Parse(await engine.Http.GetStringAsync("/health"));
        Assert.Equal("llmoperator/tiny-llama4", health.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task Serve_Should_ExitWithInvalidSettings_When_TheKvBudgetCannotHoldOneMaxModelLenSequence()
    {
        using var engine = EngineProcess.Start(["--model", made.Directory, "--max-model-len", "100000", "--cpu-kv-cache-space", "0.001"]);

        int exitCode = await engine.WaitForExitAsync();

        Assert.True(exitCode == (int)FailureClass.InvalidSettings, engine.Output);
        Assert.Contains("larger than the maximum number of tokens that can be stored in the KV cache", engine.ReadTerminationLog());
    }
}
