using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace LlmOperator.Operator.Benchmark;

/// <summary>
/// The benchmark: the local control plane in this process, the operator's <c>run</c> in a child process
/// against it, N ModelDeployments whose pods run the stand-in image; time until all are Ready, reconcile latency
/// (the operator's own timings), the operator's peak resident memory, and the rollback reaction over trials.
/// </summary>
public sealed class OperatorBenchmark(BenchOptions options, TextWriter progress, ILoggerFactory loggers)
{
    public async Task<BenchReport> RunAsync(CancellationToken cancellationToken)
    {
        var machine = MachineInfo.Read();
        long began = Stopwatch.GetTimestamp();
        progress.WriteLine($"Machine: {machine}");
        progress.WriteLine($"Starting the local cluster ({options.Nodes} nodes, {options.GpusPerNode} GPUs each)...");
        await using var cluster = await BenchCluster.StartAsync(options.Nodes, options.GpusPerNode, loggers, cancellationToken).ConfigureAwait(false);
        await using var timeline = new StoreTimeline(cluster.Host.Store, BenchCluster.Ns);
        var tracker = new ReadyTracker(options.Resources);
        using var tracking = timeline.Observe(tracker.Observe);

        using var child = OperatorProcess.Start(cluster.Host.KubeconfigPath,
            ["--concurrency", options.Concurrency.ToString(CultureInfo.InvariantCulture)],
            new Dictionary<string, string> { [ReconcileLog.DebugLogVariable] = "Debug" });
        await using var memory = new MemorySampler(child, TimeSpan.FromMilliseconds(250));
        await child.WaitUntilServingAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        progress.WriteLine($"Operator process {child.Id} serving on {child.MetricsAddress}; creating {options.Resources} ModelDeployments...");

        var (createdAfter, readyAfter) = await RollOutAsync(cluster, tracker, memory, cancellationToken).ConfigureAwait(false);
        long rssWhenReady = memory.Take()?.RssBytes ?? 0;
        var trials = readyAfter is null ? [] : await RollBackAsync(cluster, timeline, cancellationToken).ConfigureAwait(false);

        var metrics = await child.GetAsync("/metrics", cancellationToken).ConfigureAwait(false);
        var last = memory.Take() ?? throw new InvalidOperationException($"the operator process exited early; its last lines:{Environment.NewLine}" +
                                                                         string.Join(Environment.NewLine, child.Lines().TakeLast(20)));
        child.Kill();
        return new BenchReport
        {
            Options = options, Machine = machine, LoadAtEnd = MachineInfo.LoadNow(),
            ReadyCount = tracker.Count, CreatedAfter = createdAfter, AllReadyAfter = readyAfter,
            Reconciles = ReconcileLog.Parse(child.Lines()),
            Histogram = metrics is null ? null : PrometheusHistogram.Parse(metrics, "llm_operator_reconcile_duration_seconds"),
            PeakRssBytes = last.PeakRssBytes, RssWhenReadyBytes = rssWhenReady, OperatorCpu = last.CpuTime,
            Trials = trials,
            ClusterCpu = Process.GetCurrentProcess().TotalProcessorTime, Elapsed = Stopwatch.GetElapsedTime(began),
        };
    }

    /// <summary>Creates the resources (16 requests at a time, as a GitOps sync would) and waits until all are Ready.</summary>
    private async Task<(TimeSpan Created, TimeSpan? Ready)> RollOutAsync(BenchCluster cluster, ReadyTracker tracker, MemorySampler memory,
        CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(Enumerable.Range(0, options.Resources), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (i, ct) => await cluster.CreateAsync(BenchCluster.Resource(Name(i), options.Image), ct).ConfigureAwait(false)).ConfigureAwait(false);
        var created = Stopwatch.GetElapsedTime(start);
        progress.WriteLine($"All {options.Resources} created after {created.TotalSeconds:0.0} s; waiting until they are Ready...");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ReadyTimeout);
        while (!tracker.All.IsCompleted && !timeout.IsCancellationRequested)
        {
            await ((Task)Task.WhenAny(tracker.All, Task.Delay(TimeSpan.FromSeconds(5), timeout.Token))).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            var sample = memory.Last;
            progress.WriteLine($"  {Stopwatch.GetElapsedTime(start).TotalSeconds,5:0.0} s: {tracker.Count}/{options.Resources} Ready, " +
                               $"operator RSS {(sample?.RssBytes ?? 0) / (1024 * 1024)} MiB, CPU {sample?.CpuTime.TotalSeconds ?? 0:0.0} s; " +
                               $"control plane CPU {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:0.0} s; load {MachineInfo.LoadNow()}");
        }
        cancellationToken.ThrowIfCancellationRequested();
        return (created, tracker.All.IsCompleted ? tracker.LastReadyAfter(start) : null);
    }

    /// <summary>One trial after another, each on a resource of its own that is Ready on its first revision.</summary>
    private async Task<List<TrialResult>> RollBackAsync(BenchCluster cluster, StoreTimeline timeline, CancellationToken cancellationToken)
    {
        var results = new List<TrialResult>();
        for (int i = 0; i < options.RollbackTrials; i++)
        {
            var md = await cluster.GetAsync(Name(i), cancellationToken).ConfigureAwait(false);
            var good = md.Status?.CurrentRevision ?? throw new InvalidOperationException($"{Name(i)} is Ready without status.currentRevision");
            var result = await new RollbackTrial(Name(i), good).RunAsync(cluster.Client, timeline, BenchCluster.Ns, options.TrialTimeout, cancellationToken)
                .ConfigureAwait(false);
            progress.WriteLine($"  rollback trial {i + 1}/{options.RollbackTrials} ({result.Resource}): " + (result.Reaction is { } r
                ? $"template back {r.TotalMilliseconds:0} ms after the failure reached the API server ({result.SincePatch!.Value.TotalMilliseconds:0} ms after the spec change)"
                : result.Detail));
            results.Add(result);
        }
        return results;
    }

    private static string Name(int i) => $"bench-{i:D3}";
}
