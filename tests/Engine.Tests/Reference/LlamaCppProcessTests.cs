using LlmOperator.Engine.Reference;
using LlmOperator.Engine.Reference.LlamaCpp;

namespace LlmOperator.Engine.Tests.Reference;

/// <summary>llama.cpp in a child process: its aborts become errors that say what happened.</summary>
public sealed class LlamaCppProcessTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly string _directory = Directory.CreateTempSubdirectory("llamacpp-process-").FullName;

    [Fact]
    public void Logits_Should_ReportTheAbortAndLlamaCppsAssertion_When_TheGgufLacksExpertCount()
    {
        string path = Path.Combine(_directory, "no-expert-count.gguf");
        RandomGgufModels.Write(path, RandomGgufModels.TinyLlama4, edit: m => Assert.True(m.Remove("llama4.expert_count")));

        var error = Assert.Throws<ChildProcessException>(() => LlamaCppProcess.Logits(path, [1, 2, 3], threads: 1, Timeout));

        Assert.Contains("SIGABRT", error.Message);
        Assert.Contains("GGML_ASSERT", error.Message);   // llama.cpp's own last words, from the child's stderr
        Assert.Contains("n_expert", error.Message);
    }

    [Fact]
    public void Logits_Should_NameTheFile_When_TheGgufDoesNotExist()
    {
        string path = Path.Combine(_directory, "missing.gguf");

        var error = Assert.Throws<ChildProcessException>(() => LlamaCppProcess.Logits(path, [1], threads: 1, Timeout));

        Assert.Contains("exit code 4", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Logits_Should_RejectTheTokenIds_When_TheyAreNotIntegers()
    {
        string path = Path.Combine(_directory, "llama.gguf");
        RandomGgufModels.Write(path, RandomGgufModels.TinyLlama);

        var error = Assert.Throws<ChildProcessException>(() =>
            EngineChildProcess.Run(["llamacpp-logits", "--gguf", path, "--token-ids", "1 two 3", "--out", Path.Combine(_directory, "x.npy")], Timeout));

        Assert.Contains("exit code 2", error.Message);
        Assert.Contains("'two'", error.Message);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
