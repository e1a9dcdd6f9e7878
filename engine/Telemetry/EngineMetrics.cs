using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LlmOperator.Engine.Telemetry;

/// <summary>
/// The engine's instruments, named after vLLM's so its dashboards and router work unchanged. OpenTelemetry instrument
/// names cannot hold ':', so each is created as <c>vllm.NAME</c>; the Prometheus exporter writes <c>vllm_NAME</c>
/// (plus <c>_total</c> for counters and <c>_seconds</c> for unit s) and <see cref="PrometheusNames"/> turns the
/// <c>vllm_</c> prefix into vLLM's <c>vllm:</c> on the way out. Every measurement carries vLLM's <c>model_name</c> label.
/// The gauges read a snapshot the engine loop publishes after each step.
/// </summary>
public sealed class EngineMetrics : IDisposable
{
    public const string MeterName = "LlmOperator.Engine";

    // vLLM's bucket boundaries (vllm/v1/metrics/loggers.py), so its Grafana panels' quantiles line up.
    private static readonly double[] TtftBuckets = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0];
    private static readonly double[] ItlBuckets = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0];
    private static readonly double[] E2eBuckets = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0];
    private static readonly double[] StepBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];
    private static readonly long[] CountBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

    private readonly Meter _meter;
    private readonly KeyValuePair<string, object?> _model;
    private readonly Counter<long> _promptTokens, _generationTokens, _preemptions, _success;
    private readonly Histogram<double> _ttft, _itl, _e2e, _stepTime;
    private readonly Histogram<long> _virtualBatches, _stepTokens;
    private volatile EngineSnapshot _snapshot = new(0, 0, 0);

    public EngineMetrics(IMeterFactory factory, string modelName, string meterName = MeterName)
    {
        _meter = factory.Create(meterName);
        _model = new("model_name", modelName);
        _meter.CreateObservableGauge("vllm.num_requests_running", () => Observe(_snapshot.Running), description: "Number of requests in model execution batches.");
        _meter.CreateObservableGauge("vllm.num_requests_waiting", () => Observe(_snapshot.Waiting), description: "Number of requests waiting to be processed.");
        _meter.CreateObservableGauge("vllm.kv_cache_usage_perc", () => new Measurement<double>(_snapshot.KvCacheUsage, _model), description: "KV-cache usage. 1 means 100 percent usage.");
        _promptTokens = _meter.CreateCounter<long>("vllm.prompt_tokens", description: "Number of prefill tokens processed.");
        _generationTokens = _meter.CreateCounter<long>("vllm.generation_tokens", description: "Number of generation tokens processed.");
        _preemptions = _meter.CreateCounter<long>("vllm.num_preemptions", description: "Cumulative number of preemptions from the engine.");
        _success = _meter.CreateCounter<long>("vllm.request_success", description: "Count of successfully processed requests.");
        _ttft = Histogram("vllm.time_to_first_token", "s", "Histogram of time to first token in seconds.", TtftBuckets);
        _itl = Histogram("vllm.inter_token_latency", "s", "Histogram of inter-token latency in seconds.", ItlBuckets);
        _e2e = Histogram("vllm.e2e_request_latency", "s", "Histogram of e2e request latency in seconds.", E2eBuckets);
        _stepTime = Histogram("llmoperator.engine.step_duration", "s", "Time of one engine step (schedule, forward, sample, update).", StepBuckets);
        _virtualBatches = _meter.CreateHistogram<long>("llmoperator.engine.virtual_batches", null,
            "Attention segments of one step: chunked-local virtual batches (one per sequence and chunk touched).",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = CountBuckets });
        // Counters exist from the first scrape on (at 0), as vLLM's do, so rate() works before any traffic.
        foreach (var counter in new[] { _promptTokens, _generationTokens, _preemptions }) counter.Add(0, _model);
        _stepTokens = _meter.CreateHistogram<long>("llmoperator.engine.step_tokens", null, "Tokens computed in one step.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = CountBuckets });
    }

    public EngineSnapshot Snapshot => _snapshot;

    public void Publish(EngineSnapshot snapshot) => _snapshot = snapshot;

    public void PromptTokens(int count) => _promptTokens.Add(count, _model);

    public void GenerationTokens(int count) => _generationTokens.Add(count, _model);

    public void Preemptions(int count) { if (count > 0) _preemptions.Add(count, _model); }

    public void FirstToken(TimeSpan sinceArrival) => _ttft.Record(sinceArrival.TotalSeconds, _model);

    public void InterToken(TimeSpan sincePrevious) => _itl.Record(sincePrevious.TotalSeconds, _model);

    /// <summary>A request ended; <paramref name="finishedReason"/> is vLLM's label (stop, length, abort).</summary>
    public void Finished(TimeSpan sinceArrival, string finishedReason)
    {
        _e2e.Record(sinceArrival.TotalSeconds, _model);
        _success.Add(1, _model, new KeyValuePair<string, object?>("finished_reason", finishedReason));
    }

    public void Step(TimeSpan duration, int tokens, int virtualBatches)
    {
        _stepTime.Record(duration.TotalSeconds, _model);
        _stepTokens.Record(tokens, _model);
        _virtualBatches.Record(virtualBatches, _model);
    }

    public void Dispose() => _meter.Dispose();

    private Measurement<long> Observe(int value) => new(value, _model);

    private Histogram<double> Histogram(string name, string unit, string description, double[] buckets) =>
        _meter.CreateHistogram<double>(name, unit, description, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = buckets });
}

/// <summary>The gauges' values after a step: requests running and waiting, and the KV cache's used fraction.</summary>
public sealed record EngineSnapshot(int Running, int Waiting, double KvCacheUsage);

/// <summary>The engine's trace source: one span per generation request.</summary>
public static class EngineTracing
{
    public const string SourceName = "LlmOperator.Engine";

    public static readonly ActivitySource Source = new(SourceName);
}
