using System.Text.Json.Nodes;
using LlmOperator.Charts.Tests.GitOps.Health;

namespace LlmOperator.Charts.Tests.GitOps;

/// <summary>The chart's Argo CD health check, run by the real lua5.4 on the statuses the operator wrote (Samples/).</summary>
public sealed class HealthLuaTests
{
    private static readonly string Script = RepositoryPaths.Of("charts", "llm-operator", "docs", "argocd", "health.lua");

    [Theory]
    [MemberData(nameof(StatusSample.Names), MemberType = typeof(StatusSample))]
    public async Task HealthLua_Should_ReturnTheExpectedHealth_When_RunOnAStatusSample(string name)
    {
        var sample = StatusSample.Named(name);

        var health = await ArgoHealthScript.RunAsync(Script, sample.Load());

        Assert.Equal((sample.Status, sample.Message), (health.Status, health.Message));
        Assert.Contains(health.Status, ArgoHealthScript.Statuses);
    }

    [Fact]
    public async Task HealthLua_Should_SayProgressingWithReadysMessage_When_NoKstatusConditionIsTrue()
    {
        var md = StatusSample.Named("ready").Load();
        var ready = Condition(md, "Ready");
        ready["status"] = "False";
        ready["message"] = "Waiting for 1 more replica.";

        Assert.Equal(new HealthStatus("Progressing", "Waiting for 1 more replica."), await ArgoHealthScript.RunAsync(Script, md));
    }

    [Fact]
    public async Task HealthLua_Should_SayProgressing_When_TheStatusHasNoConditions()
    {
        var md = StatusSample.Named("ready").Load();
        md["status"]!.AsObject().Remove("conditions");

        Assert.Equal(new HealthStatus("Progressing", "Waiting for the Ready condition"), await ArgoHealthScript.RunAsync(Script, md));
    }

    [Fact]
    public async Task HealthLua_Should_PassNonAsciiAndQuotesThrough_When_AMessageHasThem()
    {
        var md = StatusSample.Named("invalid-spec").Load();
        const string message = "tensorParallelSize 3 \"does not\" divide 40 heads — fix: 1, 2, 4 or 8\nsecond line";
        Condition(md, "Stalled")["message"] = message;

        Assert.Equal(new HealthStatus("Degraded", message), await ArgoHealthScript.RunAsync(Script, md));
    }

    [Fact]
    public void HealthTest_Should_ListEverySample_When_SamplesAreCaptured()
    {
        var files = Directory.GetFiles(Path.Combine(StatusSample.Folder, "Samples"), "*.json").Select(Path.GetFileName).Order();

        var listed = StatusSample.All.Select(s => Path.GetFileName(s.InputPath)).Order();

        Assert.Equal(files, listed);
    }

    [Fact]
    public void Lua_Should_BeInstalled_When_TheHealthCheckIsTested() =>
        Assert.True(ArgoHealthScript.Executable is not null,
            $"{ArgoHealthScript.Interpreter} is not on PATH: install it (apt-get install lua5.4; .ci/run does) to test the Argo CD health check.");

    private static JsonNode Condition(JsonNode md, string type) =>
        ((JsonArray)md["status"]!["conditions"]!).Single(c => (string?)c!["type"] == type)!;
}
