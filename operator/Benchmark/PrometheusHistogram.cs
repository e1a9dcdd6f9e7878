using System.Globalization;

namespace LlmOperator.Operator.Benchmark;

/// <summary>
/// Counts of one histogram in a Prometheus text exposition (<c>NAME_bucket{...,le="X"} N</c>, <c>NAME_count{...} N</c>),
/// summed over its other labels: enough to cross-check the log's timings against what a dashboard would show.
/// </summary>
public sealed record PrometheusHistogram(long Count, IReadOnlyDictionary<string, long> Buckets)
{
    public static PrometheusHistogram Parse(string exposition, string name)
    {
        long count = 0;
        var buckets = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in exposition.Split('\n'))
        {
            if (line.StartsWith(name + "_count", StringComparison.Ordinal)) count += Value(line);
            else if (line.StartsWith(name + "_bucket{", StringComparison.Ordinal) && Le(line) is { } le)
                buckets[le] = buckets.GetValueOrDefault(le) + Value(line);
        }
        return new PrometheusHistogram(count, buckets);
    }

    /// <summary>The share of observations at or below bucket bound <paramref name="le"/> (e.g. "0.1").</summary>
    public double ShareAtOrBelow(string le) => Count == 0 ? double.NaN : Buckets.GetValueOrDefault(le) / (double)Count;

    /// <summary>The sample value: the first field after the labels (an optional timestamp may follow it).</summary>
    private static long Value(string line)
    {
        int labelsEnd = line.LastIndexOf('}');
        var fields = line[(labelsEnd < 0 ? line.IndexOf(' ') : labelsEnd + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long)double.Parse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private static string? Le(string line)
    {
        int start = line.IndexOf("le=\"", StringComparison.Ordinal);
        if (start < 0) return null;
        start += 4;
        return line[start..line.IndexOf('"', start)];
    }
}
