using System.Diagnostics.Metrics;
using k8s.Models;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Failures;
using LlmOperator.Operator.Telemetry;
using LlmOperator.Operator.Tests.Reconciliation.Support;
using C = LlmOperator.Operator.Entities.ConditionTypes;

namespace LlmOperator.Operator.Tests.Telemetry;

/// <summary><c>llm_operator_modeldeployment_condition</c>: one series per exported condition, at its current status.</summary>
public sealed class ModelDeploymentConditionMetricTests
{
    private const string Instrument = "llm_operator_modeldeployment_condition";

    private static ModelDeploymentStatus Status(string phase, params (string Type, string Status)[] conditions) => new()
    {
        Phase = phase,
        Conditions = conditions.Select(c => new V1Condition { Type = c.Type, Status = c.Status, Reason = "R", Message = "" }).ToList(),
    };

    private static string Describe(Series s) => $"{s["namespace"]}/{s["name"]} {s["type"]}={s["status"]} {s.Value}";

    [Fact]
    public void SetStatus_Should_ExportEachExportedConditionAtItsCurrentStatus_When_TheResourceHasConditions()
    {
        using var metrics = new OperatorMetrics();
        using var gauge = new ObservedSeries(metrics, Instrument);

        metrics.SetStatus("ml/tiny", Status("RolledBack", (C.Ready, "False"), (C.Stalled, "True"), (C.Reconciling, "False"), (C.Valid, "True"),
            (C.Degraded, "Unknown"), (C.RolledBack, "True"), ("SomethingElse", "True")));

        Assert.Equal(
            ["ml/tiny Degraded=unknown 1", "ml/tiny Ready=false 1", "ml/tiny Reconciling=false 1", "ml/tiny RolledBack=true 1", "ml/tiny Stalled=true 1"],
            gauge.Scrape().Select(Describe).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void SetStatus_Should_EndTheOldSeries_When_AConditionChangesStatus()
    {
        using var metrics = new OperatorMetrics();
        using var gauge = new ObservedSeries(metrics, Instrument);

        metrics.SetStatus("ml/tiny", Status("Progressing", (C.Ready, "False"), (C.Reconciling, "True")));
        metrics.SetStatus("ml/tiny", Status("Ready", (C.Ready, "True"), (C.Reconciling, "False")));

        Assert.Equal(["ml/tiny Ready=true 1", "ml/tiny Reconciling=false 1"], gauge.Scrape().Select(Describe).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void SetStatus_Should_DropTheResourcesSeriesAndPhase_When_TheResourceIsDeleted()
    {
        using var metrics = new OperatorMetrics();
        using var gauge = new ObservedSeries(metrics, Instrument);
        using var phases = new ObservedSeries(metrics, "llm_operator_resources");
        metrics.SetStatus("ml/a", Status("Ready", (C.Ready, "True")));
        metrics.SetStatus("ml/b", Status("Ready", (C.Ready, "True")));

        metrics.SetStatus("ml/a", null);

        Assert.Equal(["ml/b Ready=true 1"], gauge.Scrape().Select(Describe));
        Assert.Equal([("Ready", 1L)], phases.Scrape().Select(s => (s["phase"], s.Value)));
    }

    [Fact]
    public async Task Reconcile_Should_ExportReadyTrue_When_ARevisionIsProvenGood()
    {
        using var h = new ReconcilerHarness();
        using var gauge = new ObservedSeries(h.Metrics, Instrument);

        await h.RolloutGoodAsync();

        var series = gauge.Scrape().Where(s => s["type"] == C.Ready).Select(Describe);
        Assert.Equal([$"{ReconcilerHarness.Ns}/{ReconcilerHarness.Name} Ready=true 1"], series);
    }

    [Fact]
    public void Constructor_Should_RecordEveryRollbackSeriesAtZero_When_AListenerIsAlreadyListening()
    {
        // A meter of this test's own (its scope tells it apart from the meters of tests running in parallel).
        using var factory = new ScopedMeterFactory();
        var recorded = new List<(long Value, string Action, string Reason)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) => { if (i.Meter.Scope == factory && i.Name == "llm_operator_rollbacks") l.EnableMeasurementEvents(i); };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            recorded.Add((value, (string)tags.ToArray().Single(t => t.Key == "action").Value!, (string)tags.ToArray().Single(t => t.Key == "reason").Value!)));
        listener.Start();

        using var metrics = new OperatorMetrics(factory);

        var expected = OperatorMetrics.RollbackActions.SelectMany(a => Enum.GetNames<PodFailureClass>().Select(r => (0L, a, r))).ToList();
        Assert.Equal(12, expected.Count);
        Assert.Equal(expected, recorded);
    }

    private sealed class ScopedMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Scope = this });
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }
}
