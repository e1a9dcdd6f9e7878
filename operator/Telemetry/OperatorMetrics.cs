using System.Diagnostics.Metrics;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Failures;
using LlmOperator.Operator.Runtime;

namespace LlmOperator.Operator.Telemetry;

/// <summary>
/// The operator's metrics (exported to Prometheus as <c>llm_operator_*</c>): reconciles by result and their duration,
/// rollbacks by reason, the work-queue depth, ModelDeployments by phase, and each ModelDeployment's conditions. Gauges
/// read their values through the callbacks given at <see cref="Observe"/> and the statuses given at
/// <see cref="SetStatus"/>, so the numbers are what the queue and the cache hold at scrape time.
/// </summary>
public sealed class OperatorMetrics : IDisposable
{
    /// <summary>The condition types exported per resource: kstatus's three and the two an alert acts on.</summary>
    public static readonly IReadOnlyList<string> ExportedConditions =
        [ConditionTypes.Ready, ConditionTypes.Stalled, ConditionTypes.Reconciling, ConditionTypes.Degraded, ConditionTypes.RolledBack];

    /// <summary>What <see cref="RecordRollback"/> is told happened after a failed revision.</summary>
    public static readonly IReadOnlyList<string> RollbackActions = ["RolledBack", "ScaledToZero"];

    private readonly Meter _meter;
    private readonly Counter<long> _reconciles;
    private readonly Histogram<double> _reconcileDuration;
    private readonly Counter<long> _rollbacks;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ResourceMetrics> _resources = new(StringComparer.Ordinal);
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
        _meter.CreateObservableGauge("llm_operator_modeldeployment_condition", ObserveConditions, "{condition}",
            "1 for the current status (true, false, unknown) of each Ready, Stalled, Reconciling, Degraded and RolledBack condition of a ModelDeployment.");
        // Every series exists at 0 from the start: a series born at 1 shows no increase() in Prometheus, so the
        // rollback alert would miss the first rollback of each kind. Twelve series, bounded by the failure classes.
        foreach (var action in RollbackActions)
        foreach (var reason in Enum.GetNames<PodFailureClass>())
            _rollbacks.Add(0, RollbackTags(action, reason));
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

    /// <param name="action">One of <see cref="RollbackActions"/>.</param>
    /// <param name="reason">The failure class, e.g. GpuAssertion.</param>
    public void RecordRollback(string action, string reason) => _rollbacks.Add(1, RollbackTags(action, reason));

    /// <summary>The status a resource (key <c>namespace/name</c>) has now; null when it was deleted.</summary>
    public void SetStatus(string key, ModelDeploymentStatus? status)
    {
        var metrics = status is null ? null : ResourceMetrics.Of(key, status);
        lock (_gate)
        {
            if (metrics is null) _resources.Remove(key);
            else _resources[key] = metrics;
        }
    }

    /// <summary>Drops every resource's phase and conditions (the controller stopped: this pod no longer leads).</summary>
    public void ForgetResources()
    {
        lock (_gate) _resources.Clear();
    }

    private static KeyValuePair<string, object?>[] RollbackTags(string action, string reason) =>
        [new("action", action), new("reason", reason)];

    private IEnumerable<Measurement<int>> ObservePhases()
    {
        lock (_gate)
        {
            return _resources.Values.Where(r => r.Phase is not null).GroupBy(r => r.Phase!, StringComparer.Ordinal)
                .Select(g => new Measurement<int>(g.Count(), new KeyValuePair<string, object?>("phase", g.Key)))
                .ToList();
        }
    }

    private IEnumerable<Measurement<int>> ObserveConditions()
    {
        lock (_gate)
            return _resources.Values.SelectMany(r => r.Conditions).Select(tags => new Measurement<int>(1, tags)).ToList();
    }

    public void Dispose() => _meter.Dispose();

    /// <summary>
    /// What one resource contributes: its phase, and a series per exported condition it has, labelled as
    /// kube-state-metrics labels conditions (status lower-case). Only the current status is a series, so a resource
    /// costs at most five; a status that changes ends its old series (Prometheus marks it stale at the next scrape).
    /// </summary>
    private sealed record ResourceMetrics(string? Phase, IReadOnlyList<KeyValuePair<string, object?>[]> Conditions)
    {
        public static ResourceMetrics Of(string key, ModelDeploymentStatus status)
        {
            var (ns, name) = ReconcileKeys.Parse(key);
            var conditions = (status.Conditions ?? [])
                .Where(c => ExportedConditions.Contains(c.Type, StringComparer.Ordinal))
                .DistinctBy(c => c.Type, StringComparer.Ordinal)
                .Select(c => new KeyValuePair<string, object?>[] { new("namespace", ns), new("name", name), new("type", c.Type), new("status", StatusValue(c.Status)) })
                .ToList();
            return new ResourceMetrics(status.Phase, conditions);
        }

        private static string StatusValue(string? status) => status switch
        {
            "True" => "true",
            "False" => "false",
            _ => "unknown",
        };
    }
}
