using System.Globalization;
using System.Text.RegularExpressions;

namespace LlmOperator.Operator.Benchmark;

/// <summary>One reconcile as the operator timed it (the same elapsed time its duration histogram records).</summary>
public sealed record ReconcileTiming(string Key, double Milliseconds, string Result);

/// <summary>
/// Reads the reconcile timings from the operator's debug log line
/// (<c>Reconciled default/x in 12.3 ms: success</c>, written by ReconcileWorkers with the duration the histogram
/// records), enabled in the child through the configuration variable <see cref="DebugLogVariable"/>. The histogram's
/// buckets (1, 5, 10, 25, 50, 100, 250 ms...) are too coarse for a p99; the log has every value.
/// </summary>
public static partial class ReconcileLog
{
    public const string DebugLogVariable = "Logging__LogLevel__LlmOperator.Operator.Runtime.ReconcileWorkers";

    public static IReadOnlyList<ReconcileTiming> Parse(IEnumerable<string> lines) =>
        lines.Select(line => Line().Match(line)).Where(m => m.Success)
            .Select(m => new ReconcileTiming(m.Groups["key"].Value,
                double.Parse(m.Groups["ms"].Value, NumberStyles.Float, CultureInfo.InvariantCulture), m.Groups["result"].Value))
            .ToList();

    [GeneratedRegex(@"Reconciled (?<key>\S+) in (?<ms>[0-9]+(\.[0-9]+)?(E[-+]?[0-9]+)?) ms: (?<result>\w+)")]
    private static partial Regex Line();
}

/// <summary>Nearest-rank percentiles (the value at or below which p% of the samples lie), as load tools report them.</summary>
public static class Percentile
{
    public static double Of(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
}
