using System.Diagnostics;
using LLama;
using LLama.Batched;
using LLama.Common;
using LLama.Native;
using LlmOperator.Engine.Reference.LlamaCpp;

namespace LlmOperator.Engine.LoadGen;

/// <summary>
/// The llama.cpp side of a load run, in a child process: LLamaSharp's <see cref="BatchedExecutor"/> serving the same
/// request list with the same concurrency — up to C conversations at once, a finished one replaced by the next request
/// at once (continuous batching as llama.cpp's own server does it), greedy sampling, the same f32 weights and threads.
/// Token times are taken when a conversation's token is sampled; there is no HTTP in between, which favours llama.cpp.
/// </summary>
public static class LlamaCppLoad
{
    /// <summary>llama.cpp's default n_batch (and LLamaSharp's), used for both sides unless loadgen is told otherwise.</summary>
    public const int DefaultBatchTokens = 512;

    public static async Task<LevelResult> RunAsync(string gguf, LoadSides sides, int concurrency, IReadOnlyList<LoadRequest> requests)
    {
        LlamaCppNative.Configure();
        int perSequence = (requests.Max(r => r.Prompt.Length + r.OutputTokens) + 16 + 255) / 256 * 256;
        var parameters = new ModelParams(gguf)
        {
            ContextSize = (uint)(perSequence * concurrency),
            BatchSize = (uint)sides.BatchTokens,
            UBatchSize = (uint)sides.BatchTokens,
            SeqMax = (uint)concurrency,
            Threads = sides.Threads,
            BatchThreads = sides.Threads,
            GpuLayerCount = 0,
            TypeK = GGMLType.GGML_TYPE_F32,
            TypeV = GGMLType.GGML_TYPE_F32,
            FlashAttention = false,
        };
        using var weights = LLamaWeights.LoadFromFile(parameters);
        using var executor = new BatchedExecutor(weights, parameters);
        await WarmUpAsync(executor);

        var timings = new RequestTiming[requests.Count];
        var active = new List<Active>();
        int next = 0;
        var clock = Stopwatch.StartNew();
        while (next < requests.Count || active.Count > 0)
        {
            while (active.Count < concurrency && next < requests.Count)
                active.Add(Active.Start(executor, next, requests[next++], clock));
            var result = await executor.Infer();
            if (result != DecodeResult.Ok) throw new InvalidOperationException($"llama.cpp decode failed: {result}");
            foreach (var a in active.Where(a => a.Conversation.RequiresSampling).ToList())
            {
                if (!a.Step(clock)) continue;
                timings[a.Index] = a.Timing(clock);
                a.Conversation.Dispose();
                active.Remove(a);
            }
        }
        return new LevelResult(concurrency, clock.Elapsed.TotalSeconds, timings);
    }

    /// <summary>One decode before timing starts, so llama.cpp's first-call set-up is not charged to the first request.</summary>
    private static async Task WarmUpAsync(BatchedExecutor executor)
    {
        using var conversation = executor.Create();
        conversation.Prompt(new List<LLamaToken> { (LLamaToken)3, (LLamaToken)4, (LLamaToken)5 });
        await executor.Infer();
    }

    private sealed class Active(int index, LoadRequest request, Conversation conversation, double sent)
    {
        private readonly List<double> _tokens = [];

        public int Index => index;

        public Conversation Conversation => conversation;

        public static Active Start(BatchedExecutor executor, int index, LoadRequest request, Stopwatch clock)
        {
            var conversation = executor.Create();
            conversation.Prompt(request.Prompt.Select(t => (LLamaToken)t).ToList());
            return new Active(index, request, conversation, clock.Elapsed.TotalSeconds);
        }

        /// <summary>Samples greedily and feeds the token back; true when the request has all its tokens.</summary>
        public bool Step(Stopwatch clock)
        {
            var logits = conversation.Sample();
            int best = 0;
            for (int i = 1; i < logits.Length; i++)
                if (logits[i] > logits[best]) best = i;
            _tokens.Add(clock.Elapsed.TotalSeconds);
            if (_tokens.Count == request.OutputTokens) return true;
            conversation.Prompt((LLamaToken)best);
            return false;
        }

        public RequestTiming Timing(Stopwatch clock) =>
            new(sent, _tokens[0], [.. _tokens.Skip(1)], clock.Elapsed.TotalSeconds, _tokens.Count);
    }
}
