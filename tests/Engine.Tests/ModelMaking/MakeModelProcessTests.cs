using System.Diagnostics;
using LlmOperator.Engine.Models;
using LlmOperator.Engine.Tests.Weights;
using LlmOperator.Engine.Weights;

namespace LlmOperator.Engine.Tests.ModelMaking;

/// <summary><c>make-model</c> as the documented command line of the real engine executable.</summary>
public sealed class MakeModelProcessTests
{
    [Fact]
    public async Task MakeModel_Should_WriteLoadableShardedModel_When_RunAsProcess()
    {
        using var dir = new TempDirectory();
        string output = Path.Combine(dir.Path, "model");

        var (exitCode, stdout, stderr) = await RunAsync(dir, "make-model", "--out", output, "--preset", "tiny-llama",
            "--seed", "3", "--dtype", "f16", "--shards", "2");

        Assert.True(exitCode == 0, stderr);
        string[] listed = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(Path.Combine(output, "model.safetensors.index.json"), listed);
        Assert.Contains(Path.Combine(output, "tokenizer.json"), listed);
        using var checkpoint = Checkpoint.Open(output);
        Assert.Equal("F16", checkpoint.Info("model.embed_tokens.weight").Dtype);
        Assert.Equal("LlamaForCausalLM", checkpoint.Config!.ArchitectureClass);
    }

    [Fact]
    public async Task MakeModel_Should_WriteIntoTheHubCache_When_HfCacheAndNameAreGiven()
    {
        using var dir = new TempDirectory();

        var (exitCode, stdout, stderr) = await RunAsync(dir, "make-model", "--hf-cache", dir.Path, "--name", "acme/tiny", "--preset", "tiny-llama");

        Assert.True(exitCode == 0, stderr);
        string snapshot = HuggingFaceHubCache.FindSnapshot(dir.Path, "acme/tiny")!;
        Assert.Contains(Path.Combine(snapshot, "config.json"), stdout.Split('\n', StringSplitOptions.TrimEntries));
        using var checkpoint = Checkpoint.Open(snapshot);
        Assert.Equal("LlamaForCausalLM", checkpoint.Config!.ArchitectureClass);
    }

    [Theory]
    [InlineData("make-model --hf-cache {0}", "--hf-cache and --name go together")]
    [InlineData("make-model --out {0}/m --hf-cache {0} --name a/b", "exactly one of --out DIR and --hf-cache DIR")]
    [InlineData("make-model --preset tiny-llama", "exactly one of --out DIR and --hf-cache DIR")]
    public async Task MakeModel_Should_ExitWithUsage_When_TheDestinationIsAmbiguousOrIncomplete(string commandLine, string error)
    {
        using var dir = new TempDirectory();

        var (exitCode, _, stderr) = await RunAsync(dir, string.Format(commandLine, dir.Path).Split(' '));

        Assert.Equal(2, exitCode);
        Assert.Contains(error, stderr);
        Assert.Empty(Directory.GetDirectories(dir.Path));
    }

    [Fact]
    public async Task MakeModel_Should_ExitWithUsage_When_PresetIsUnknown()
    {
        using var dir = new TempDirectory();

        var (exitCode, _, stderr) = await RunAsync(dir, "make-model", "--out", dir.File("m"), "--preset", "gpt-5");

        Assert.Equal(2, exitCode);
        Assert.Contains("gpt-5", stderr);
        Assert.False(Directory.Exists(dir.File("m")));
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(TempDirectory dir, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "LlmOperator.Engine.dll"));
        foreach (string arg in args)
            start.ArgumentList.Add(arg);
        // A usage error writes the termination message; keep it out of /dev.
        start.Environment["ENGINE_TERMINATION_LOG_PATH"] = dir.File("termination-log");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
