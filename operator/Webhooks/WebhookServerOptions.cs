using System.Net;
using LlmOperator.Operator.Webhooks.Certificates;

namespace LlmOperator.Operator.Webhooks;

/// <summary>The settings of <see cref="WebhookServer"/>.</summary>
public sealed record WebhookServerOptions
{
    /// <summary>HTTPS port (<c>--webhook-port</c>); 0 picks a free one (tests).</summary>
    public int Port { get; init; } = 9443;

    /// <summary>The address to listen on; null listens on every interface, IPv4 and IPv6 (Kestrel's ListenAnyIP).</summary>
    public IPAddress? Address { get; init; }

    /// <summary>The Service the API server calls through; its DNS names go into a generated certificate.</summary>
    public string ServiceName { get; init; } = WebhookNames.Service;

    public string Namespace { get; init; } = WebhookNames.Namespace;

    /// <summary>
    /// A folder with tls.crt and tls.key (a mounted kubernetes.io/tls Secret, e.g. from cert-manager), and ca.crt
    /// when the caBundle should be set from it. Reloaded when its content changes.
    /// </summary>
    public string? CertificateDirectory { get; init; }

    /// <summary>Generate a CA and certificate when <see cref="CertificateDirectory"/> holds none.</summary>
    public bool GenerateCertificate { get; init; } = true;

    /// <summary>
    /// Keep the generated certificate in this Secret (in <see cref="Namespace"/>), so that every replica serves the
    /// same one and restarts keep it. Null: in memory only, right for a single process (local runs, tests).
    /// </summary>
    public string? CertificateSecretName { get; init; }

    public TimeSpan CertificateValidity { get; init; } = TimeSpan.FromDays(365);

    /// <summary>Webhook configurations whose caBundle is kept at our CA; null leaves that kind alone.</summary>
    public string? ValidatingConfigurationName { get; init; } = WebhookNames.Configuration;

    public string? MutatingConfigurationName { get; init; } = WebhookNames.Configuration;

    /// <summary>How often the mounted certificate is re-read and the caBundle re-checked.</summary>
    public TimeSpan MaintenanceInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Budget of the API reads inside one admission call; well inside the configurations' timeoutSeconds (5), so
    /// that a slow API server gives our clear denial rather than the API server's "context deadline exceeded".
    /// </summary>
    public TimeSpan ApiTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Extra names (DNS or IP) for a generated certificate, e.g. a node address that clientConfig.url names.</summary>
    public IReadOnlyList<string> ExtraHostNames { get; init; } = [];

    public IReadOnlyList<string> HostNames => [.. SelfSignedCertificates.HostNames(ServiceName, Namespace), .. ExtraHostNames];
}
