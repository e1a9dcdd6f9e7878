using System.Diagnostics.Metrics;

namespace LlmOperator.Operator.Telemetry;

/// <summary>
/// The operator's metrics (exported to Prometheus as <c>llm_operator_*</c>): reconciles by result and their duration,
/// rollbacks by reason, the work-queue depth, and ModelDeployments by phase. Gauges read their values through the
/// callbacks given at <see cref="Observe"/>, so the numbers are what the queue and the cache hold at scrape time.
/// </summary>
public sealed class OperatorMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _reconciles;
    private readonly Histogram<double> _reconcileDuration;
    private readonly Counter<long> _rollbacks;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _phases = new(StringComparer.Ordinal);
    private Func<int> _queueDepth = () => 0;

    public OperatorMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(OperatorTelemetry.Name) ?? new Meter(OperatorTelemetry.Name);
        _reconciles = _meter.CreateCounter<long>("llm_operator_reconciles", "{reconcile}", "Reconciles by result (success, error, terminal).");
        _reconcileDuration = _meter.CreateHistogram<double>("llm_operator_reconcile_duration", "s", "Time one reconcile took.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        _rollbacks = _meter.CreateCounter<long>("llm_operator_rollbacks", "{rollback}", "Automatic rollbacks and scale-downs by failure class.");
        _meter.CreateObservableGauge("llm_operator_queue_depth", () => _queueDepth(), "{key}", "Keys waiting in the reconcile queue.");
        _meter.CreateObservableGauge("llm_operator_resources", ObservePhases, "{resource}", "ModelDeployments by phase.");
    }

    /// <summary>The meter itself, so tests can listen to this instance only.</summary>
    internal Meter Meter => _meter;

    /// <summary>Where the queue depth is read from.</summary>
    public void Observe(Func<int> queueDepth) => _queueDepth = queueDepth;

    public void RecordReconcile(string result, TimeSpan duration)
    {
        var tag = new KeyValuePair<string, object?>("result", result);
        _reconciles.Add(1, tag);
        _reconcileDuration.Record(duration.TotalSeconds, tag);
    }

    /// <param name="action">RolledBack or ScaledToZero.</param>
    /// <param name="reason">The failure class, e.g. GpuAssertion.</param>
    public void RecordRollback(string action, string reason) =>
        _rollbacks.Add(1, new KeyValuePair<string, object?>("action", action), new KeyValuePair<string, object?>("reason", reason));

    /// <summary>The phase a resource is in now; null when it was deleted.</summary>
    public void SetPhase(string key, string? phase)
    {
        lock (_gate)
        {
            if (phase is null) _phases.Remove(key);
            else _phases[key] = phase;
        }
    }

    private IEnumerable<Measurement<int>> ObservePhases()
    {
        lock (_gate)
        {
            return _phases.Values.GroupBy(p => p, StringComparer.Ordinal)
                .Select(g => new Measurement<int>(g.Count(), new KeyValuePair<string, object?>("phase", g.Key)))
                .ToList();
        }
    }

    public void Dispose() => _meter.Dispose();
}
