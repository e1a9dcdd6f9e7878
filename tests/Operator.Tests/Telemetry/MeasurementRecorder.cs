using System.Diagnostics.Metrics;
using LlmOperator.Operator.Telemetry;

namespace LlmOperator.Operator.Tests.Telemetry;

/// <summary>Sums what a counter of the operator's meter records while it lives.</summary>
public sealed class MeasurementRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<(long Value, KeyValuePair<string, object?>[] Tags)> _measurements = [];

    /// <summary>Listens to <paramref name="metrics"/> only: tests running in parallel have their own.</summary>
    public MeasurementRecorder(OperatorMetrics metrics, string instrument)
    {
        _listener.InstrumentPublished = (i, l) => { if (ReferenceEquals(i.Meter, metrics.Meter) && i.Name == instrument) l.EnableMeasurementEvents(i); };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) => { lock (_measurements) _measurements.Add((value, tags.ToArray())); });
        _listener.Start();
    }

    public long Total(params (string Key, string Value)[] tags)
    {
        lock (_measurements)
            return _measurements.Where(m => tags.All(t => m.Tags.Any(x => x.Key == t.Key && Equals(x.Value, t.Value)))).Sum(m => m.Value);
    }

    public void Dispose() => _listener.Dispose();
}
