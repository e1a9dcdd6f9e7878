using LlmOperator.Engine.Chaos;
using LlmOperator.Engine.Contract;
using LlmOperator.Rules.Contract;
using LlmOperator.Rules.Settings;

namespace LlmOperator.Engine.Tests.Contract;

/// <summary>The pieces of the failure path that need no process: chaos texts, the settings snapshot, the termination file.</summary>
public sealed class ContractPiecesTests
{
    [Theory]
    [InlineData(ChaosKind.DeviceAssert, FailureClass.GpuAssertion)]
    [InlineData(ChaosKind.IllegalMemoryAccess, FailureClass.GpuAssertion)]
    [InlineData(ChaosKind.OutOfMemory, FailureClass.GpuOutOfMemory)]
    [InlineData(ChaosKind.Xid, FailureClass.GpuHardware)]
    public void ChaosText_Should_ClassifyAsItsFailureClass(ChaosKind kind, FailureClass expected)
    {
        Assert.Equal(expected, CudaFailureText.Classify(ChaosFailures.Text(kind)));
    }

    [Fact]
    public void SettingsSnapshot_Should_KeySettingsBySpecFieldName()
    {
        var settings = new EngineSettings { TensorParallelSize = 4, MaxModelLen = 8192, GpuMemoryUtilization = 0.95 };

        var snapshot = SettingsSnapshot.Of("llmoperator/tiny-llama4", settings);

        Assert.Equal("llmoperator/tiny-llama4", snapshot["model"]);
        Assert.Equal("engine", snapshot["runtime"]);
        Assert.Equal("4", snapshot["tensorParallelSize"]);
        Assert.Equal("8192", snapshot["maxModelLen"]);
        Assert.Equal("0.95", snapshot["gpuMemoryUtilization"]);
        Assert.False(snapshot.ContainsKey("maxNumBatchedTokens"));
    }

    [Theory]
    [InlineData(new[] { "serve", "--termination-log-path", "/a/b" }, "/a/b")]
    [InlineData(new[] { "serve", "--termination-log-path=/c" }, "/c")]
    public void ResolvePath_Should_FindTheFlag_When_ArgsDoNotParse(string[] args, string expected)
    {
        Assert.Equal(expected, TerminationLog.ResolvePath(args));
    }

    [Fact]
    public void Write_Should_CreateParentDirectoryAndWriteOneLine()
    {
        string directory = Directory.CreateTempSubdirectory("termination-").FullName;
        string path = Path.Combine(directory, "nested", "log");
        try
        {
            var message = TerminationMessage.For(FailureClass.GpuError, "CUDA error: unknown error\nsecond line",
                new Dictionary<string, string> { ["model"] = "m" });

            Assert.True(TerminationLog.Write(path, message));

            string text = File.ReadAllText(path);
            Assert.Equal(1, text.Count(c => c == '\n'));
            Assert.Equal(nameof(FailureClass.GpuError), TerminationMessage.TryParse(text)?.Reason);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
