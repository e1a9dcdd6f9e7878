using LlmOperator.Engine.Tests.Hosting;
using LlmOperator.Rules.Contract;

namespace LlmOperator.Engine.Tests.Contract;

/// <summary>Start-up refusals: the engine exits with the contract's code and leaves a termination message, fast.</summary>
public sealed class StartupFailureTests
{
    [Fact]
    public async Task Serve_Should_ExitWithInvalidSettings_When_TpDoesNotDivideHeads()
    {
        using var engine = EngineProcess.Start(["--model", "llmoperator/tiny-llama4", "--tensor-parallel-size", "3"]);

        int exitCode = await engine.WaitForExitAsync();

        Assert.True(exitCode == (int)FailureClass.InvalidSettings, engine.Output);
        Assert.Contains("--tensor-parallel-size", engine.Stderr);
        Assert.Contains("tp-attention-heads", engine.Stderr);
        var message = AssertOneJsonLine(engine.ReadTerminationLog());
        Assert.Equal(nameof(FailureClass.InvalidSettings), message.Reason);
        Assert.Equal(3, message.ExitCode);
        Assert.Contains("tp-attention-heads", message.Message);
        Assert.Equal("3", message.Settings["tensorParallelSize"]);
    }

    [Fact]
    public async Task Serve_Should_ExitWithModelLoad_When_ModelIsUnknown()
    {
        using var engine = EngineProcess.Start(["--model", "nobody/no-such-model"]);

        int exitCode = await engine.WaitForExitAsync();

        Assert.True(exitCode == (int)FailureClass.ModelLoad, engine.Output);
        Assert.Contains("nobody/no-such-model", engine.Stderr);
        var message = AssertOneJsonLine(engine.ReadTerminationLog());
        Assert.Equal(nameof(FailureClass.ModelLoad), message.Reason);
    }

    [Fact]
    public async Task Serve_Should_ExitWithModelLoad_When_ConfigJsonIsNotJson()
    {
        var modelDirectory = Directory.CreateTempSubdirectory("engine-model-");
        try
        {
            File.WriteAllText(Path.Combine(modelDirectory.FullName, "config.json"), "{ not json");
            using var engine = EngineProcess.Start(["--model", modelDirectory.FullName]);

            int exitCode = await engine.WaitForExitAsync();

            Assert.True(exitCode == (int)FailureClass.ModelLoad, engine.Output);
            Assert.Contains("config.json", engine.Stderr);
        }
        finally
        {
            modelDirectory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Serve_Should_ExitWithUsage_When_FlagIsUnparseable()
    {
        using var engine = EngineProcess.Start(["--model", "llmoperator/tiny-llama4", "--max-num-seqs", "many", "--no-such-flag"]);

        int exitCode = await engine.WaitForExitAsync();

        Assert.True(exitCode == (int)FailureClass.Usage, engine.Output);
        Assert.Contains("--no-such-flag", engine.Stderr);
        Assert.Contains("--max-num-seqs", engine.Stderr);
        Assert.Equal(nameof(FailureClass.Usage), AssertOneJsonLine(engine.ReadTerminationLog()).Reason);
    }

    [Fact]
    public async Task Serve_Should_WriteTerminationMessageToEnvironmentPath_When_FlagIsAbsent()
    {
        string directory = Directory.CreateTempSubdirectory("engine-env-").FullName;
        string path = Path.Combine(directory, "termination-log");
        try
        {
            using var engine = EngineProcess.Start(["--model", "llmoperator/tiny-llama4", "--block-size", "7"],
                passTerminationLogPath: false,
                environment: new Dictionary<string, string> { ["ENGINE_TERMINATION_LOG_PATH"] = path });

            int exitCode = await engine.WaitForExitAsync();

            Assert.True(exitCode == (int)FailureClass.InvalidSettings, engine.Output);
            Assert.Contains("--block-size", engine.Stderr);
            Assert.Equal(nameof(FailureClass.InvalidSettings), AssertOneJsonLine(File.ReadAllText(path)).Reason);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Serve_Should_KeepItsExitCode_When_TerminationLogCannotBeWritten()
    {
        using var engine = EngineProcess.Start(
            ["--model", "llmoperator/tiny-llama4", "--tensor-parallel-size", "3", "--termination-log-path", "/proc/engine-test/log"],
            passTerminationLogPath: false);

        int exitCode = await engine.WaitForExitAsync();

        Assert.True(exitCode == (int)FailureClass.InvalidSettings, engine.Output);
        Assert.Contains("could not write the termination message", engine.Stderr);
    }

    /// <summary>Kubernetes shows the file verbatim: it must be exactly one line of parseable JSON.</summary>
    internal static TerminationMessage AssertOneJsonLine(string? text)
    {
        Assert.NotNull(text);
        Assert.DoesNotContain('\n', text.TrimEnd('\n'));
        var message = TerminationMessage.TryParse(text);
        Assert.NotNull(message);
        return message;
    }
}
