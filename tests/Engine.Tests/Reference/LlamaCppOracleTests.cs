using LlmOperator.Engine.ModelMaking;
using LlmOperator.Engine.Reference.Conversion;

namespace LlmOperator.Engine.Tests.Reference;

/// <summary>
/// Check 3 of the engine issue: the engine and llama.cpp (LLamaSharp 0.30.0, f32 weights and KV cache, flash attention
/// off) compute the same logits at every position for the same random weights. Below position 8192 they agree to
/// 1e-4 of the logits' scale; beyond it to 1e-3, because llama.cpp builds RoPE angles in float32 by repeated
/// multiplication and they drift with the position.
/// </summary>
public sealed class LlamaCppOracleTests
{
    private const double Tolerance = 1e-4;
    private const double ToleranceBeyondChunk = 1e-3;

    [Fact]
    public void Generate_Should_MatchLlamaCppLogitsAtEveryPosition_When_ModelIsPlainLlama()
    {
        using var run = new OracleRun
        {
            Preset = ModelPresets.TinyLlama,
            Prompt = OracleRun.RandomPrompt(48, ModelPresets.TinyLlama.VocabSize, seed: 3),
            MaxTokens = 4,
        };

        var (engine, llama, rows, vocab) = run.Run();

        OracleRun.AssertClose(engine, llama, vocab, 0, rows, Tolerance);
    }

    /// <summary>
    /// llama.cpp fixes Llama-4's chunk at 8192, so only a prompt past 8192 tokens reaches a second chunk: 8400 prompt
    /// tokens (chunked prefill resumes mid-chunk), then decode steps through the paged cache at 8400 and 8401.
    /// </summary>
    [Fact]
    public void Generate_Should_MatchLlamaCppLogitsAtEveryPosition_When_Llama4PromptCrossesTheChunkBoundary()
    {
        Assert.Equal(LlamaCppCompatibility.ChunkSize, ModelPresets.TinyLlama4.AttentionChunkSize);
        using var run = new OracleRun
        {
            Preset = ModelPresets.TinyLlama4,
            Prompt = OracleRun.RandomPrompt(8400, ModelPresets.TinyLlama4.VocabSize, seed: 5),
            MaxTokens = 3,
        };

        var (engine, llama, rows, vocab) = run.Run();

        OracleRun.AssertClose(engine, llama, vocab, 0, LlamaCppCompatibility.ChunkSize, Tolerance);
        OracleRun.AssertClose(engine, llama, vocab, LlamaCppCompatibility.ChunkSize, rows, ToleranceBeyondChunk);
    }
}
