using System.Diagnostics;
using LlmOperator.Engine.Attention;
using LlmOperator.Engine.Chaos;
using LlmOperator.Engine.Core.Requests;
using LlmOperator.Engine.Core.Sampling;
using LlmOperator.Engine.Core.Scheduling;
using LlmOperator.Engine.Execution;
using LlmOperator.Engine.KvCache;
using LlmOperator.Engine.Telemetry;

namespace LlmOperator.Engine.Core;

/// <summary>
/// The loop's one unit of work: <see cref="Step"/> = schedule → run the model on the mixed batch (prefill chunks and
/// decode tokens of many requests at once) → sample → update → emit and finish. Not thread-safe: one thread (the
/// <see cref="EngineLoop"/>) owns it. Cf. nano-vllm's llm_engine.py and vLLM v1's EngineCore.step.
/// </summary>
public sealed class LlmEngine : IDisposable
{
    private readonly ModelRunner _runner;
    private readonly Scheduler _scheduler;
    private readonly OutputProcessor _outputs;
    private readonly EngineMetrics _metrics;
    private readonly Dictionary<string, EngineRequest> _requests = new(StringComparer.Ordinal);
    private readonly int? _chunkSize;
    private readonly IDisposable? _owned;
    private long _arrivals;

    /// <param name="owned">Disposed with the engine after the runner (e.g. the memory-mapped checkpoint).</param>
    public LlmEngine(ModelRunner runner, SchedulerConfig scheduling, EngineLimits limits, EngineTokenizer tokenizer,
        EngineMetrics metrics, IDisposable? owned = null)
    {
        _runner = runner;
        _metrics = metrics;
        _owned = owned;
        Limits = limits;
        Tokenizer = tokenizer;
        Cache = new KvCacheManager(new BlockPool(runner.NumBlocks), runner.BlockSize);
        _scheduler = new Scheduler(scheduling, Cache);
        _outputs = new OutputProcessor(tokenizer, limits, metrics);
        var c = runner.Model.Config;
        _chunkSize = Enumerable.Range(0, c.NumHiddenLayers).Any(c.IsChunkedLocal) ? c.AttentionChunkSize : null;
    }

    public EngineLimits Limits { get; }

    public EngineTokenizer Tokenizer { get; }

    public KvCacheManager Cache { get; }

    public bool HasUnfinishedRequests => _scheduler.HasUnfinishedRequests;

    public int NumRunning => _scheduler.NumRunning;

    public int NumWaiting => _scheduler.NumWaiting;

    /// <summary>Requests preempted so far (a request preempted twice counts twice), as vllm:num_preemptions_total.</summary>
    public long TotalPreemptions { get; private set; }

    /// <summary>Queues a request; its outputs go to <paramref name="outputs"/>.</summary>
    internal void Add(GenerationInput input, System.Threading.Channels.ChannelWriter<Output.RequestOutput>? outputs)
    {
        Limits.Check(input);
        var request = new EngineRequest(input, _arrivals++, Tokenizer.DecodeText, outputs);
        _requests.Add(input.RequestId, request);
        request.Activity = StartTrace(input);
        _scheduler.Add(request.Request);
        Publish();
    }

    /// <summary>Ends a request whose client went away: frees its blocks and closes its stream.</summary>
    public void Abort(string requestId)
    {
        if (!_requests.Remove(requestId, out var request)) return;
        _scheduler.Finish(request.Request, FinishReason.Aborted);
        Publish(); // the gauges show the freed blocks before the abort is counted, so a scrape never sees one without the other
        _outputs.Aborted(request, error: null);
    }

    /// <summary>One step; false when there was nothing to run.</summary>
    public bool Step()
    {
        long start = Stopwatch.GetTimestamp();
        var output = _scheduler.Schedule();
        _metrics.Preemptions(output.Preempted.Count);
        TotalPreemptions += output.Preempted.Count;
        if (output.IsEmpty)
        {
            Publish();
            return false;
        }
        Scheduled = output;
        var batch = output.Scheduled.Select(Input).ToList();
        RaiseChaos(output);
        var sampled = Sample(batch, output);
        _scheduler.Update(output, sampled.ToDictionary(s => s.Key, s => s.Value.TokenId));
        foreach (var (id, token) in sampled)
            if (_requests.TryGetValue(id, out var request) && _outputs.OnToken(request, token) is { } reason)
                Finish(request, reason);
        Scheduled = null;
        _metrics.Step(Stopwatch.GetElapsedTime(start), output.NumTokens, VirtualBatches(batch));
        Publish();
        return true;
    }

    /// <summary>The step being run, while <see cref="Step"/> runs (so a failure can fail exactly its requests).</summary>
    internal SchedulerOutput? Scheduled { get; private set; }

    /// <summary>Fails <paramref name="requestIds"/> (or every request) with <paramref name="error"/>, freeing their blocks.</summary>
    public void Fail(Exception error, IEnumerable<string>? requestIds = null)
    {
        foreach (string id in (requestIds ?? _requests.Keys).ToList())
        {
            if (!_requests.Remove(id, out var request)) continue;
            _scheduler.Finish(request.Request, FinishReason.Aborted);
            _outputs.Aborted(request, error);
        }
        Scheduled = null;
        Publish();
    }

    /// <summary>The request's span, child of the caller's; the loop thread keeps no current activity between requests.</summary>
    private static Activity? StartTrace(GenerationInput input)
    {
        var previous = Activity.Current;
        var activity = EngineTracing.Source.StartActivity("engine.generate", ActivityKind.Internal, input.TraceParent);
        Activity.Current = previous;
        activity?.SetTag("gen_ai.request.id", input.RequestId);
        activity?.SetTag("gen_ai.request.max_tokens", input.Sampling.MaxTokens);
        activity?.SetTag("gen_ai.request.temperature", input.Sampling.Temperature);
        return activity;
    }

    /// <summary>
    /// One forward over a short dummy sequence before the engine is declared ready, so the first request does not pay
    /// for libtorch's lazy initialisation. Bypasses the scheduler so no request metrics are recorded.
    /// </summary>
    public void WarmUp()
    {
        int n = Math.Min(8, Math.Min(Limits.MaxModelLen, Limits.VocabSize));
        var request = new Request("warm-up", Enumerable.Range(0, n).ToArray(), 1, -1);
        if (!Cache.TryAllocate(request, n))
            throw new InvalidOperationException($"the KV cache ({Cache.NumBlocks} blocks) cannot hold the {n}-token warm-up.");
        try
        {
            var slice = new SequenceSlice(0, n, Cache.BlocksOf(request).ToArray());
            using var logits = _runner.Run([new StepInput(slice, request.PromptTokenIds)], LogitsSelection.LastTokenOfEachSequence);
        }
        finally
        {
            Cache.Free(request);
        }
    }

    private void Finish(EngineRequest request, FinishReason reason)
    {
        _scheduler.Finish(request.Request, reason);
        _requests.Remove(request.Request.Id);
        OutputProcessor.Finished(request);
    }

    private StepInput Input(ScheduledRequest s)
    {
        var r = s.Request;
        var ids = new int[s.NumNewTokens];
        for (int i = 0; i < ids.Length; i++) ids[i] = r.TokenAt(r.NumComputedTokens + i);
        return new StepInput(new SequenceSlice(r.NumComputedTokens, s.NumNewTokens, Cache.BlocksOf(r).ToArray()), ids);
    }

    /// <summary>Runs the model; samples a token for each request whose step reached its last known token.</summary>
    private Dictionary<string, SampledToken> Sample(List<StepInput> batch, SchedulerOutput output)
    {
        using var logits = _runner.Run(batch, LogitsSelection.LastTokenOfEachSequence);   // [S, vocab] float32, CPU
        int vocab = (int)logits.shape[1];
        var rows = logits.data<float>().ToArray();
        var sampled = new Dictionary<string, SampledToken>(StringComparer.Ordinal);
        for (int i = 0; i < output.Scheduled.Count; i++)
        {
            var s = output.Scheduled[i];
            if (!s.SamplesToken || !_requests.TryGetValue(s.Request.Id, out var request)) continue;
            sampled[s.Request.Id] = Sampler.Sample(rows.AsSpan(i * vocab, vocab), request.Sampling, request.Random);
        }
        return sampled;
    }

    /// <summary>The chaos path: a request marked to fail raises libtorch's text inside the step, as a kernel error would.</summary>
    private void RaiseChaos(SchedulerOutput output)
    {
        foreach (var s in output.Scheduled)
            if (_requests.TryGetValue(s.Request.Id, out var r) && r.Input.FailWith is { } kind)
                ChaosFailures.Raise(kind);
    }

    private int VirtualBatches(List<StepInput> batch) =>
        _chunkSize is { } c ? LocalAttentionBatches.Count(batch.Select(b => b.Slice).ToList(), c) : batch.Count;

    private void Publish() => _metrics.Publish(new EngineSnapshot(_scheduler.NumRunning, _scheduler.NumWaiting, Cache.Usage));

    public void Dispose()
    {
        _runner.Dispose();
        _runner.Model.Dispose();
        _owned?.Dispose();
    }
}
