using System.Diagnostics;
using System.Text.Json;
using LlmOperator.Engine.Generation;
using LlmOperator.Engine.Numerics;
using LlmOperator.Engine.Tests.Weights;
using LlmOperator.Rules.Contract;

namespace LlmOperator.Engine.Tests.Generation;

/// <summary><c>generate</c> as a real process: the documented command line, its JSON, its .npy and its exit codes.</summary>
public sealed class GenerateProcessTests(MadeModels models) : IClassFixture<MadeModels>
{
    [Fact]
    public async Task Generate_Should_PrintJsonAndDumpLogits_When_PromptIsText()
    {
        using var temp = new TempDirectory();
        string npy = temp.File("logits.npy");

        var (exitCode, stdout, stderr) = await RunAsync("--model", models.TinyLlama4, "--prompt", "Hello world", "--max-tokens", "4",
            "--tensor-parallel-size", "2", "--max-model-len", "4096", "--block-size", "8", "--ignore-eos", "--dump-logits", npy);

        Assert.True(exitCode == 0, stderr);
        var output = JsonSerializer.Deserialize<GenerateOutput>(stdout.Trim())!;
        Assert.NotEmpty(output.PromptTokenIds);
        Assert.Equal(4, output.TokenIds.Count);
        Assert.NotNull(output.Text);
        var (_, shape) = Npy.ReadFloat32(npy);
        Assert.Equal([output.PromptTokenIds.Count + 4 - 1, 512L], shape);
    }

    [Fact]
    public async Task Generate_Should_ExitWithUsage_When_PromptDoesNotFitMaxModelLen()
    {
        var (exitCode, stdout, stderr) = await RunAsync("--model", models.TinyLlama4, "--token-ids", "1 2 3 4 5 6", "--max-tokens", "3",
            "--max-model-len", "8");

        Assert.Equal((int)FailureClass.Usage, exitCode);
        Assert.Contains($"[{GenerateRequestChecks.PromptTooLong}] --max-model-len", stderr);
        Assert.Equal("", stdout.Trim());
    }

    [Fact]
    public async Task Generate_Should_ExitWithInvalidSettings_When_RulesReject()
    {
        var (exitCode, _, stderr) = await RunAsync("--model", models.TinyLlama4, "--token-ids", "1 2 3", "--block-size", "7");

        Assert.Equal((int)FailureClass.InvalidSettings, exitCode);
        Assert.Contains("[block-size-unsupported] --block-size", stderr);
    }

    [Theory]
    [InlineData("--token-ids", "1 two 3")]
    [InlineData("--max-tokens", "0")]
    public async Task Generate_Should_ExitWithUsage_When_FlagsAreMalformed(string flag, string value)
    {
        var (exitCode, _, stderr) = await RunAsync("--model", models.TinyLlama4, flag, value, "--prompt", "x");

        Assert.Equal((int)FailureClass.Usage, exitCode);
        Assert.Contains(flag, stderr);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var temp = new TempDirectory();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string arg in (string[])[Path.Combine(AppContext.BaseDirectory, "LlmOperator.Engine.dll"), "generate", .. args,
                     "--termination-log-path", temp.File("termination-log")])
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
