using System.Diagnostics;
using LLama;
using LLama.Common;
using LLama.Native;
using LlmOperator.Engine.Benchmark;

namespace LlmOperator.Engine.Reference.LlamaCpp;

/// <summary>
/// llama.cpp (through LLamaSharp) evaluating a GGUF in THIS process. Run it only inside a child process
/// (<see cref="LlamaCppProcess"/>): llama.cpp answers some malformed GGUFs with <c>GGML_ASSERT</c>, i.e. abort().
/// The settings are the oracle's: float32 KV cache, flash attention off, CPU only, every position's logits kept.
/// </summary>
public sealed class LlamaCppRunner : IDisposable
{
    /// <summary>Tokens per llama_decode call; llama.cpp splits it further into micro-batches of the same size.</summary>
    public const int BatchSize = 512;

    private readonly LLamaWeights _weights;
    private readonly LLamaContext _context;

    private LlamaCppRunner(LLamaWeights weights, LLamaContext context)
    {
        _weights = weights;
        _context = context;
    }

    public int VocabSize => _context.Vocab.Count;

    /// <summary>Loads <paramref name="ggufPath"/> with room for <paramref name="contextTokens"/> tokens over all
    /// <paramref name="sequences"/>.</summary>
    public static LlamaCppRunner Load(string ggufPath, int contextTokens, int threads, int sequences = 1)
    {
        if (!File.Exists(ggufPath))
            throw new FileNotFoundException($"{ggufPath}: no such GGUF file.", ggufPath);
        LlamaCppNative.Configure();
        var parameters = new ModelParams(ggufPath)
        {
            ContextSize = (uint)contextTokens,
            BatchSize = BatchSize,
            UBatchSize = BatchSize,
            SeqMax = (uint)sequences,
            Threads = threads,
            BatchThreads = threads,
            GpuLayerCount = 0,
            // The oracle's numerics: no quantised or f16 KV cache, no flash-attention reordering of the softmax.
            TypeK = GGMLType.GGML_TYPE_F32,
            TypeV = GGMLType.GGML_TYPE_F32,
            FlashAttention = false,
            // A full-size chunked-attention (SWA) cache: llama.cpp keeps every position, so nothing depends on
            // its cache-trimming policy.
            SwaFull = true,
        };
        var weights = LLamaWeights.LoadFromFile(parameters);
        try
        {
            return new LlamaCppRunner(weights, weights.CreateContext(parameters));
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Evaluates <paramref name="tokens"/> as one sequence from position 0 and returns the logits of every position,
    /// row-major <c>[tokens.Count, vocab]</c>: row i is what the model predicts after seeing tokens 0..i.
    /// </summary>
    public float[] EvaluateLogits(IReadOnlyList<int> tokens)
    {
        CheckTokens(tokens);
        _context.NativeHandle.MemoryClear(data: true);
        int vocab = VocabSize;
        var logits = new float[(long)tokens.Count * vocab];
        var batch = new LLamaBatch();
        for (int start = 0; start < tokens.Count; start += BatchSize)
        {
            int count = Math.Min(BatchSize, tokens.Count - start);
            batch.Clear();
            for (int i = 0; i < count; i++)
                batch.Add((LLamaToken)tokens[start + i], start + i, LLamaSeqId.Zero, logits: true);
            Decode(batch, $"positions {start}..{start + count - 1}");
            for (int i = 0; i < count; i++)
                _context.NativeHandle.GetLogitsIth(i).CopyTo(logits.AsSpan((int)((long)(start + i) * vocab), vocab));
        }
        return logits;
    }

    /// <summary>
    /// Greedy decode speed: prefills <paramref name="promptTokens"/> in every one of <paramref name="sequences"/>
    /// sequences, then runs one untimed warm-up step and <paramref name="decodeSteps"/> timed steps, each one
    /// llama_decode of one new token per sequence (logits for those tokens only).
    /// </summary>
    public DecodeTiming MeasureDecode(IReadOnlyList<int> promptTokens, int sequences, int decodeSteps)
    {
        CheckTokens(promptTokens);
        _context.NativeHandle.MemoryClear(data: true);
        var batch = new LLamaBatch();
        var clock = Stopwatch.StartNew();
        for (int s = 0; s < sequences; s++)
            Prefill(batch, promptTokens, s);
        double prefillSeconds = clock.Elapsed.TotalSeconds;

        var next = new int[sequences];
        Array.Fill(next, promptTokens[^1]);
        DecodeStep(batch, next, promptTokens.Count);
        clock.Restart();
        for (int step = 1; step <= decodeSteps; step++)
            DecodeStep(batch, next, promptTokens.Count + step);
        double decodeSeconds = clock.Elapsed.TotalSeconds;
        return new DecodeTiming(sequences, promptTokens.Count * sequences, prefillSeconds, decodeSteps * sequences, decodeSeconds);
    }

    private void DecodeStep(LLamaBatch batch, int[] next, int position)
    {
        batch.Clear();
        for (int s = 0; s < next.Length; s++)
            batch.Add((LLamaToken)next[s], position, (LLamaSeqId)s, logits: true);
        Decode(batch, $"decode at position {position}");
        for (int s = 0; s < next.Length; s++)
            next[s] = ArgMax(_context.NativeHandle.GetLogitsIth(s));
    }

    public void Dispose()
    {
        _context.Dispose();
        _weights.Dispose();
    }

    private void Prefill(LLamaBatch batch, IReadOnlyList<int> tokens, int sequence)
    {
        for (int start = 0; start < tokens.Count; start += BatchSize)
        {
            int count = Math.Min(BatchSize, tokens.Count - start);
            batch.Clear();
            for (int i = 0; i < count; i++)
                batch.Add((LLamaToken)tokens[start + i], start + i, (LLamaSeqId)sequence, logits: start + i == tokens.Count - 1);
            Decode(batch, $"prefill of sequence {sequence}");
        }
    }

    private void Decode(LLamaBatch batch, string what)
    {
        var result = _context.Decode(batch);
        if (result != DecodeResult.Ok)
            throw new LlamaCppException($"llama_decode failed for {what}: {result}.");
    }

    /// <summary>llama.cpp rejects an out-of-range id inside llama_decode with a log line only; say which one here.</summary>
    private void CheckTokens(IReadOnlyList<int> tokens)
    {
        if (tokens.Count == 0) throw new FormatException("no token ids to evaluate.");
        if (tokens.Count > _context.ContextSize)
            throw new FormatException($"{tokens.Count} tokens do not fit llama.cpp's context of {_context.ContextSize}.");
        for (int i = 0; i < tokens.Count; i++)
            if (tokens[i] < 0 || tokens[i] >= VocabSize)
                throw new FormatException($"token id {tokens[i]} (position {i}) is outside the model's vocabulary 0..{VocabSize - 1}.");
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }
}

public sealed class LlamaCppException(string message) : Exception(message);
