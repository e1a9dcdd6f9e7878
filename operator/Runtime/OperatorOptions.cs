namespace LlmOperator.Operator.Runtime;

/// <summary>The settings of <c>run</c>.</summary>
public sealed record OperatorOptions
{
    /// <summary>A kubeconfig file; null means the in-cluster configuration in a pod, else ~/.kube/config.</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>Watch one namespace only; null watches all.</summary>
    public string? Namespace { get; init; }

    public bool LeaderElect { get; init; }

    /// <summary>Workers reconciling different resources at once (one resource is never reconciled twice at once).</summary>
    public int Concurrency { get; init; } = 4;

    public int MetricsPort { get; init; } = 8080;

    public int WebhookPort { get; init; } = 9443;

    /// <summary>Where the leader-election Lease lives.</summary>
    public string LeaseNamespace { get; init; } = "default";

    public string LeaseName { get; init; } = "llm-operator-leader";

    /// <summary>This process in the Lease's holderIdentity.</summary>
    public string Identity { get; init; } = $"{Environment.MachineName}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>How long a Lease holds without renewal; renewal must succeed within RenewDeadline; tries every RetryPeriod.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);
}
