using LLama;
using LLama.Common;
using LlmOperator.Engine.Reference.LlamaCpp;

namespace LlmOperator.Engine.Tests.Reference;

/// <summary>
/// llama.cpp reading what the GGUF writer wrote. Valid files only are loaded in this process; a file llama.cpp may
/// abort on goes through <see cref="LlamaCppProcess"/> (see <see cref="LlamaCppProcessTests"/>).
/// </summary>
public sealed class LlamaCppRunnerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("llamacpp-runner-").FullName;

    [Theory]
    [InlineData("llama")]
    [InlineData("llama4")]
    public void LoadFromFile_Should_SeeEveryMetadataKeyTheWriterWrote_When_LlamaCppReadsTheGguf(string arch)
    {
        string path = Path.Combine(_directory, $"{arch}.gguf");
        var metadata = RandomGgufModels.Write(path, arch == "llama" ? RandomGgufModels.TinyLlama : RandomGgufModels.TinyLlama4);

        LlamaCppNative.Configure();
        using var weights = LLamaWeights.LoadFromFile(new ModelParams(path) { GpuLayerCount = 0 });

        Assert.Equal(arch, weights.Metadata["general.architecture"]);
        foreach (var (key, _) in metadata.Entries)
            Assert.True(weights.Metadata.ContainsKey(key), $"llama.cpp did not list key {key}");
        Assert.Equal("2", weights.Metadata[$"{arch}.attention.head_count_kv"]);
        Assert.Equal(96, weights.Vocab.Count);
    }

    [Fact]
    public void EvaluateLogits_Should_GiveEachPositionTheLogitsOfItsPrefix_When_ThePromptSpansSeveralBatches()
    {
        string path = Path.Combine(_directory, "llama.gguf");
        RandomGgufModels.Write(path, RandomGgufModels.TinyLlama);
        int[] tokens = [.. Enumerable.Range(0, LlamaCppRunner.BatchSize + 40).Select(i => i * 7 % 96)];
        int vocab = 96;

        using var runner = LlamaCppRunner.Load(path, 1024, threads: 1);
        float[] full = runner.EvaluateLogits(tokens);
        float[] prefix = runner.EvaluateLogits(tokens[..(LlamaCppRunner.BatchSize + 3)]);

        Assert.Equal(tokens.Length * vocab, full.Length);
        // Causal: a prefix's rows are the longer prompt's first rows, across the llama_decode batch boundary.
        for (int i = 0; i < prefix.Length; i++)
            Assert.True(Math.Abs(prefix[i] - full[i]) <= 1e-5f, $"row {i / vocab}, column {i % vocab}: {prefix[i]} vs {full[i]}");
        // Rows differ from each other: every position was read from its own output slot.
        Assert.NotEqual(full.AsSpan(0, vocab).ToArray(), full.AsSpan(vocab, vocab).ToArray());
    }

    [Fact]
    public void EvaluateLogits_Should_NameTheToken_When_AnIdIsOutsideTheVocabulary()
    {
        string path = Path.Combine(_directory, "llama.gguf");
        RandomGgufModels.Write(path, RandomGgufModels.TinyLlama);
        using var runner = LlamaCppRunner.Load(path, 256, threads: 1);

        var error = Assert.Throws<FormatException>(() => runner.EvaluateLogits([1, 2, 96]));

        Assert.Contains("token id 96 (position 2)", error.Message);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
