namespace LlmOperator.Operator.Benchmark;

/// <summary>The settings of <c>bench</c>.</summary>
public sealed record BenchOptions
{
    /// <summary>ModelDeployments created, one stand-in replica each.</summary>
    public int Resources { get; init; } = 500;

    /// <summary>Rollbacks measured, each on its own resource after all are Ready.</summary>
    public int RollbackTrials { get; init; } = 20;

    /// <summary>The operator's --concurrency (reconcile workers).</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>Nodes of the local cluster; GPUs per node are sized so that every replica fits.</summary>
    public int Nodes { get; init; } = 4;

    /// <summary>How long to wait for all resources to become Ready before giving up (the target is 60 s).</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one rollback trial may take before it counts as failed.</summary>
    public TimeSpan TrialTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The stand-in image the pods run instead of the engine (any tag).</summary>
    public string Image { get; init; } = "llmoperator/stand-in:bench";

    /// <summary>Throws <see cref="ArgumentException"/> naming the option and the fix.</summary>
    public BenchOptions Validated()
    {
        if (Resources < 1) throw new ArgumentException($"--resources must be at least 1 (got {Resources}).");
        if (RollbackTrials < 0 || RollbackTrials > Resources)
            throw new ArgumentException($"--rollback-trials must be between 0 and --resources ({Resources}) (got {RollbackTrials}): each trial uses its own resource.");
        if (Concurrency is < 1 or > 256) throw new ArgumentException($"--concurrency must be between 1 and 256 (got {Concurrency}).");
        if (ReadyTimeout <= TimeSpan.Zero) throw new ArgumentException($"--ready-timeout must be a positive number of seconds (got {ReadyTimeout.TotalSeconds}).");
        if (TrialTimeout <= TimeSpan.Zero) throw new ArgumentException($"--trial-timeout must be a positive number of seconds (got {TrialTimeout.TotalSeconds}).");
        if (Nodes is < 1 or > 64) throw new ArgumentException($"--nodes must be between 1 and 64 (got {Nodes}).");
        return this;
    }

    /// <summary>GPUs per node so that every replica (one GPU each) fits, with one node's worth to spare.</summary>
    public int GpusPerNode => (Resources + Nodes - 1) / Nodes + 8;
}
