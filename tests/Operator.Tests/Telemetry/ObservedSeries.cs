using System.Diagnostics.Metrics;
using LlmOperator.Operator.Telemetry;

namespace LlmOperator.Operator.Tests.Telemetry;

/// <summary>One series an instrument reported: its value and its labels.</summary>
public sealed record Series(long Value, IReadOnlyDictionary<string, string?> Labels)
{
    public string? this[string label] => Labels.GetValueOrDefault(label);
}

/// <summary>
/// Reads what an instrument of one <see cref="OperatorMetrics"/> reports now: observable gauges are asked for their
/// values (as a scrape does), counters report what they record while the reader lives.
/// </summary>
public sealed class ObservedSeries : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<Series> _series = [];

    /// <summary>Listens to <paramref name="metrics"/> only: tests running in parallel have their own.</summary>
    public ObservedSeries(OperatorMetrics metrics, string instrument)
    {
        _listener.InstrumentPublished = (i, l) => { if (ReferenceEquals(i.Meter, metrics.Meter) && i.Name == instrument) l.EnableMeasurementEvents(i); };
        _listener.SetMeasurementEventCallback<int>((_, value, tags, _) => Add(value, tags));
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) => Add(value, tags));
        _listener.Start();
    }

    /// <summary>The gauge's series at this moment.</summary>
    public IReadOnlyList<Series> Scrape()
    {
        lock (_series) _series.Clear();
        _listener.RecordObservableInstruments();
        lock (_series) return _series.ToList();
    }

    public void Dispose() => _listener.Dispose();

    private void Add(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var tag in tags) labels[tag.Key] = tag.Value?.ToString();
        lock (_series) _series.Add(new Series(value, labels));
    }
}
