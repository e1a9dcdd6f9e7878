using System.CommandLine;
using k8s.Exceptions;
using LlmOperator.Operator.Runtime;
using LlmOperator.Operator.Runtime.Hosting;
using LlmOperator.Operator.Webhooks;
using Microsoft.Extensions.Hosting;

namespace LlmOperator.Operator.Cli;

/// <summary>
/// <c>run [--kubeconfig F] [--namespace NS] [--leader-elect] [--concurrency N] [--metrics-port P] [--webhook-port P]
/// [--webhook-cert-dir DIR] [--webhook-cert-secret NAME]</c>: the operator itself, until SIGTERM or Ctrl+C. In a pod it
/// uses the in-cluster configuration. Exit codes: 0 stopped, 1 could not start (a port taken), 2 unusable options.
/// </summary>
internal static class RunCommand
{
    public const int Stopped = 0, StartFailed = 1, Unusable = 2;

    /// <param name="extensions">Parts that share the host (the admission webhooks).</param>
    public static Command Create(params IOperatorHostExtension[] extensions)
    {
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "Kubeconfig file (default: $KUBECONFIG, in-cluster, ~/.kube/config)." };
        var ns = new Option<string?>("--namespace", "-n") { Description = "Watch one namespace only (default: all)." };
        var leaderElect = new Option<bool>("--leader-elect") { Description = "Run as one of several replicas: only the Lease holder reconciles." };
        var concurrency = new Option<int>("--concurrency") { Description = "Resources reconciled at once.", DefaultValueFactory = _ => 4 };
        var metricsPort = new Option<int>("--metrics-port") { Description = "Port of /metrics (Prometheus), /healthz and /readyz.", DefaultValueFactory = _ => 8080 };
        var webhookPort = new Option<int?>("--webhook-port") { Description = "Serve the admission webhooks over HTTPS on this port (the chart uses 9443); absent: no webhooks." };
        var certDir = new Option<string?>("--webhook-cert-dir") { Description = "Folder of the webhooks' mounted TLS Secret (tls.crt, tls.key, ca.crt); default: a generated certificate." };
        var certSecret = new Option<string?>("--webhook-cert-secret") { Description = "Keep the generated certificate in this Secret of $POD_NAMESPACE, so that replicas share it." };
        concurrency.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 256) r.AddError("--concurrency must be between 1 and 256."); });
        metricsPort.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 0 or > 65535) r.AddError("--metrics-port must be a TCP port (0-65535)."); });
        webhookPort.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 0 or > 65535) r.AddError("--webhook-port must be a TCP port (0-65535)."); });
        var command = new Command("run", "Run the operator: reconcile ModelDeployments, roll back failing revisions, serve metrics and webhooks.")
        {
            kubeconfig, ns, leaderElect, concurrency, metricsPort, webhookPort, certDir, certSecret,
        };
        command.SetAction((parse, cancellation) => RunAsync(new OperatorOptions
        {
            Kubeconfig = parse.GetValue(kubeconfig),
            Namespace = parse.GetValue(ns),
            LeaderElect = parse.GetValue(leaderElect),
            Concurrency = parse.GetValue(concurrency),
            MetricsPort = parse.GetValue(metricsPort),
            WebhookPort = parse.GetValue(webhookPort),
            WebhookNamespace = Environment.GetEnvironmentVariable("POD_NAMESPACE") ?? WebhookNames.Namespace,
            WebhookCertificateDirectory = parse.GetValue(certDir),
            WebhookCertificateSecret = parse.GetValue(certSecret),
            // The operator's own namespace first (the chart's Role for the Lease is there), as controller-runtime's
            // leader election: --namespace only names where to watch, which may be a namespace it may not write Leases in.
            LeaseNamespace = Environment.GetEnvironmentVariable("POD_NAMESPACE") ?? parse.GetValue(ns) ?? "default",
        }, extensions, Console.Error, cancellation));
        return command;
    }

    public static async Task<int> RunAsync(OperatorOptions options, IReadOnlyList<IOperatorHostExtension> extensions, TextWriter stderr,
        CancellationToken cancellation)
    {
        k8s.KubernetesClientConfiguration cluster;
        try
        {
            cluster = KubeConfig.Load(options.Kubeconfig);
        }
        catch (KubeConfigException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}");
            return Unusable;
        }
        // Async disposal: the webhook server is IAsyncDisposable only.
        await using var app = OperatorHost.Build(options, cluster, extensions);
        try
        {
            // The host stops on SIGTERM (a pod being deleted) and Ctrl+C, shutting the controller down gracefully.
            await app.StartAsync(cancellation);
        }
        catch (IOException e)
        {
            await stderr.WriteLineAsync($"error: the operator could not listen (--metrics-port {options.MetricsPort}" +
                (options.WebhookPort is { } p ? $", --webhook-port {p}" : "") + $"): {e.Message}; choose free ports");
            return StartFailed;
        }
        await app.WaitForShutdownAsync(CancellationToken.None);
        return Stopped;
    }
}
