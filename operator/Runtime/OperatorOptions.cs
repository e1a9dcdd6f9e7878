using LlmOperator.Operator.Webhooks;

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

    /// <summary>HTTPS port of the admission webhooks (<c>--webhook-port</c>; 0 = any free port); null serves none.</summary>
    public int? WebhookPort { get; init; }

    /// <summary>The webhooks' listen address; null listens on every interface (in a pod), loopback for local runs.</summary>
    public System.Net.IPAddress? WebhookAddress { get; init; }

    /// <summary>The operator's namespace: the webhook Service's and the certificate Secret's.</summary>
    public string WebhookNamespace { get; init; } = "llm-operator";

    /// <summary>A mounted kubernetes.io/tls Secret (tls.crt, tls.key, ca.crt) for the webhooks; null: generated.</summary>
    public string? WebhookCertificateDirectory { get; init; }

    /// <summary>Keep the generated webhook certificate in this Secret, shared by the replicas; null: in memory.</summary>
    public string? WebhookCertificateSecret { get; init; }

    /// <summary>The Service in front of the webhook port: its DNS names go into a generated certificate.</summary>
    public string WebhookServiceName { get; init; } = WebhookNames.Service;

    /// <summary>The Validating- and MutatingWebhookConfiguration (one name for both) whose caBundle the operator keeps.</summary>
    public string WebhookConfigurationName { get; init; } = WebhookNames.Configuration;

    /// <summary>Where the leader-election Lease lives.</summary>
    public string LeaseNamespace { get; init; } = "default";

    public string LeaseName { get; init; } = DefaultLeaseName;

    public const string DefaultLeaseName = "llm-operator-leader";

    /// <summary>This process in the Lease's holderIdentity.</summary>
    public string Identity { get; init; } = $"{Environment.MachineName}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>How long a Lease holds without renewal; renewal must succeed within RenewDeadline; tries every RetryPeriod.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);
}
