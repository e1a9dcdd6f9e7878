using System.Globalization;

namespace LlmOperator.Operator.Benchmark;

/// <summary>The benchmark's numbers, and the table that compares them with the issue's targets.</summary>
public sealed record BenchReport
{
    public static readonly TimeSpan ReadyTarget = TimeSpan.FromSeconds(60);
    public const double ReconcileP99TargetMs = 100;
    /// <summary>200 MB read as decimal megabytes (the stricter reading: 200 MiB would be 4.9% more).</summary>
    public const long PeakMemoryTargetBytes = 200L * 1000 * 1000;
    public static readonly TimeSpan RollbackTarget = TimeSpan.FromSeconds(2);

    public required BenchOptions Options { get; init; }
    public required MachineInfo Machine { get; init; }
    public required string LoadAtEnd { get; init; }
    public required int ReadyCount { get; init; }
    public required TimeSpan CreatedAfter { get; init; }
    public TimeSpan? AllReadyAfter { get; init; }
    public required IReadOnlyList<ReconcileTiming> Reconciles { get; init; }
    public PrometheusHistogram? Histogram { get; init; }
    public required long PeakRssBytes { get; init; }
    public required long RssWhenReadyBytes { get; init; }
    public required TimeSpan OperatorCpu { get; init; }

    /// <summary>CPU time of this process: the local control plane (API server, controllers, kubelet) and the bench.</summary>
    public required TimeSpan ClusterCpu { get; init; }

    public required TimeSpan Elapsed { get; init; }
    public required IReadOnlyList<TrialResult> Trials { get; init; }

    public bool ReadyMet => AllReadyAfter is { } t && t < ReadyTarget;
    public bool ReconcileMet => Quantile(99) < ReconcileP99TargetMs;
    public bool MemoryMet => PeakRssBytes < PeakMemoryTargetBytes;
    public bool RollbackMet => Trials.All(t => t.Reaction is { } r && r < RollbackTarget);
    public bool AllMet => ReadyMet && ReconcileMet && MemoryMet && RollbackMet;

    public double Quantile(double p) => Percentile.Of(Reconciles.Select(r => r.Milliseconds).Order().ToList(), p);

    public void Write(TextWriter output)
    {
        var ms = Reconciles.Select(r => r.Milliseconds).Order().ToList();
        var reactions = Trials.Where(t => t.Reaction is not null).Select(t => t.Reaction!.Value.TotalMilliseconds).Order().ToList();
        var sincePatch = Trials.Where(t => t.SincePatch is not null).Select(t => t.SincePatch!.Value.TotalMilliseconds).Order().ToList();
        var results = string.Join(", ", Reconciles.GroupBy(r => r.Result).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}"));
        output.WriteLine($"Operator benchmark: {Options.Resources} ModelDeployments, 1 stand-in replica each ({Options.Image}), " +
                         $"{Options.Nodes} nodes, operator --concurrency {Options.Concurrency} in its own process");
        output.WriteLine($"Machine: {Machine}; load average at the end {LoadAtEnd}");
        output.WriteLine();
        output.WriteLine($"{"metric",-46} {"value",-26} {"target",-10} verdict");
        Row(output, "all Ready, from the first create", AllReadyAfter is { } ready ? Seconds(ready) : $"{ReadyCount}/{Options.Resources} Ready", "< 60 s", ReadyMet);
        Row(output, "  (all created after)", Seconds(CreatedAfter));
        Row(output, "reconcile latency p50", Millis(Percentile.Of(ms, 50)));
        Row(output, "reconcile latency p90", Millis(Percentile.Of(ms, 90)));
        Row(output, "reconcile latency p99", Millis(Percentile.Of(ms, 99)), "< 100 ms", ReconcileMet);
        Row(output, "reconcile latency max", Millis(ms.LastOrDefault()));
        Row(output, "  (reconciles)", $"{ms.Count}: {results}");
        if (Histogram is { } h)
            Row(output, "  (histogram: share <= 100 ms)", $"{h.ShareAtOrBelow("0.1") * 100:0.0}% of {h.Count}");
        Row(output, "operator peak memory (VmHWM)", Megabytes(PeakRssBytes), "< 200 MB", MemoryMet);
        Row(output, "  (RSS when all were Ready)", Megabytes(RssWhenReadyBytes));
        Row(output, "  (operator CPU time)", Seconds(OperatorCpu));
        Row(output, "  (control plane + bench CPU time)", $"{Seconds(ClusterCpu)} in {Seconds(Elapsed)}");
        if (Trials.Count > 0)
        {
            string completed = $"{reactions.Count}/{Trials.Count} trials";
            Row(output, "rollback reaction p50 (failure -> template)", reactions.Count > 0 ? Millis(Percentile.Of(reactions, 50)) : "-", "", null);
            Row(output, "rollback reaction max", reactions.Count > 0 ? Millis(reactions[^1]) : "-", "< 2 s", RollbackMet);
            Row(output, "  (trials completed)", completed);
            Row(output, "  (spec change -> template back, p50)", sincePatch.Count > 0 ? Millis(Percentile.Of(sincePatch, 50)) : "-");
            foreach (var failed in Trials.Where(t => t.Reaction is null)) output.WriteLine($"  trial {failed.Resource}: {failed.Detail}");
        }
        output.WriteLine();
        output.WriteLine(AllMet ? "All targets met." : "A target was missed.");
    }

    private static void Row(TextWriter output, string metric, string value, string target = "", bool? met = null) =>
        output.WriteLine($"{metric,-46} {value,-26} {target,-10} {(met is null ? "" : met.Value ? "met" : "MISSED")}".TrimEnd());

    private static string Seconds(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.0} s");

    private static string Millis(double ms) => string.Create(CultureInfo.InvariantCulture, $"{ms:0.0} ms");

    private static string Megabytes(long bytes) =>
        string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.0} MB ({bytes / (1024.0 * 1024):0.0} MiB)");
}
