using System.Text.Json;
using LlmOperator.Engine.ModelMaking;
using LlmOperator.Engine.Numerics;
using LlmOperator.Engine.Reference;
using LlmOperator.Engine.Reference.Conversion;
using LlmOperator.Engine.Reference.LlamaCpp;
using LlmOperator.Engine.Tests.Weights;
using LlmOperator.Engine.Weights;

namespace LlmOperator.Engine.Tests.Reference;

/// <summary>
/// One oracle comparison, end to end through the documented commands' code: make-model writes a random float32
/// checkpoint, the converter writes it as GGUF, <c>generate --dump-logits</c> (a child engine process, as a user runs
/// it) gives the engine's logits for the prompt and every fed-back token, and llama.cpp (another child) evaluates the
/// same token sequence.
/// </summary>
internal sealed class OracleRun : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);
    /// <summary>
    /// Both children run one thread: the tests share 2 cores with each other (and often with other builds), and there
    /// spinning thread barriers (OpenMP in libtorch, ggml's in llama.cpp) cost more than the second thread gains.
    /// Measured under load for the 8400-token Llama-4 prompt: generate 70 s → 31 s, llama.cpp 93 s → 45 s.
    /// </summary>
    private static readonly Dictionary<string, string> OneThread = new() { ["OMP_NUM_THREADS"] = "1" };

    private readonly TempDirectory _directory = new();

    public required ModelSpec Preset { get; init; }
    public required int[] Prompt { get; init; }
    public int MaxTokens { get; init; } = 3;

    /// <summary>Row i of both arrays holds the logits at position i of prompt ++ generated[..^1].</summary>
    public (float[] Engine, float[] LlamaCpp, int Rows, int Vocab) Run()
    {
        string model = _directory.File("model");
        ModelMaker.Make(new MakeModelRequest(model, Preset, Seed: 11, SafetensorsDtype.Parse("f32"), Shards: 1));
        string gguf = _directory.File("model.gguf");
        CheckpointGgufConverter.Convert(model, gguf);

        string dump = _directory.File("engine-logits.npy");
        string stdout = EngineChildProcess.Run(
            ["generate", "--model", model, "--token-ids", TokenIds.Format(Prompt), "--max-tokens", MaxTokens.ToString(),
             "--dtype", "float32", "--ignore-eos", "--dump-logits", dump], Timeout, OneThread);
        int[] generated = JsonDocument.Parse(stdout).RootElement.GetProperty("token_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var (engine, engineShape) = Npy.ReadFloat32(dump);

        int[] sequence = [.. Prompt, .. generated[..^1]];
        var (llama, llamaShape) = LlamaCppProcess.Logits(gguf, sequence, threads: 1, Timeout);
        Assert.Equal(MaxTokens, generated.Length);
        Assert.Equal(new long[] { sequence.Length, Preset.VocabSize }, engineShape);
        Assert.Equal(engineShape, llamaShape);
        return (engine, llama, sequence.Length, Preset.VocabSize);
    }

    public static int[] RandomPrompt(int length, int vocab, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(_ => random.Next(vocab))];
    }

    /// <summary>
    /// The tolerance: max |engine − llama.cpp| ≤ <paramref name="relative"/> × scale over rows
    /// [<paramref name="firstRow"/>, <paramref name="endRow"/>), where scale is the largest |logit| llama.cpp gave.
    /// </summary>
    public static void AssertClose(float[] engine, float[] llama, int vocab, int firstRow, int endRow, double relative)
    {
        double scale = llama.Max(x => Math.Abs((double)x));
        double worst = 0;
        int worstIndex = -1;
        for (long i = (long)firstRow * vocab; i < (long)endRow * vocab; i++)
        {
            double difference = Math.Abs((double)engine[i] - llama[i]);
            if (difference > worst) (worst, worstIndex) = (difference, (int)i);
        }
        Assert.True(worst <= relative * scale,
            $"rows {firstRow}..{endRow - 1}: max |engine − llama.cpp| = {worst:G4} at position {worstIndex / vocab}, token {worstIndex % vocab} " +
            $"(engine {engine[worstIndex]}, llama.cpp {llama[worstIndex]}); allowed {relative} × scale {scale:G4} = {relative * scale:G4}.");
    }

    public void Dispose() => _directory.Dispose();
}
