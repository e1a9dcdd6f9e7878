using System.CommandLine;
using k8s.Exceptions;
using LlmOperator.Operator.Runtime;
using LlmOperator.Operator.Runtime.Hosting;
using LlmOperator.Operator.Webhooks;
using Microsoft.Extensions.Hosting;

namespace LlmOperator.Operator.Cli;

/// <summary>
/// <c>run [--kubeconfig F] [--namespace NS] [--leader-elect] [--lease-name NAME] [--concurrency N] [--metrics-port P] [--webhook-port P]
/// [--webhook-cert-dir DIR] [--webhook-cert-secret NAME] [--webhook-service NAME] [--webhook-configuration NAME]</c>: the
/// operator itself, until SIGTERM or Ctrl+C. In a pod it uses the in-cluster configuration. Exit codes: 0 stopped,
/// 1 could not start (a port taken), 2 unusable options.
/// </summary>
internal static class RunCommand
{
    public const int Stopped = 0, StartFailed = 1, Unusable = 2;

    /// <param name="extensions">Parts that share the host (the admission webhooks).</param>
    public static Command Create(params IOperatorHostExtension[] extensions)
    {
        var command = new Command("run", "Run the operator: reconcile ModelDeployments, roll back failing revisions, serve metrics and webhooks.");
        foreach (var option in Options()) command.Options.Add(option);
        command.SetAction((parse, cancellation) => RunAsync(OptionsFrom(parse, Environment.GetEnvironmentVariable("POD_NAMESPACE")),
            extensions, Console.Error, cancellation));
        return command;
    }

    /// <summary>
    /// The settings a parsed command line asks for. <paramref name="podNamespace"/> ($POD_NAMESPACE, set from the pod's
    /// fieldRef by the chart) holds the webhook Service, the certificate Secret and the Lease: the chart's RBAC grants
    /// the operator those in its own namespace, whatever <c>--namespace</c> it watches.
    /// </summary>
    public static OperatorOptions OptionsFrom(ParseResult parse, string? podNamespace) => new()
    {
        Kubeconfig = parse.GetValue<string?>("--kubeconfig"),
        Namespace = parse.GetValue<string?>("--namespace"),
        LeaderElect = parse.GetValue<bool>("--leader-elect"),
        Concurrency = parse.GetValue<int>("--concurrency"),
        MetricsPort = parse.GetValue<int>("--metrics-port"),
        WebhookPort = parse.GetValue<int?>("--webhook-port"),
        WebhookNamespace = podNamespace ?? WebhookNames.Namespace,
        WebhookCertificateDirectory = parse.GetValue<string?>("--webhook-cert-dir"),
        WebhookCertificateSecret = parse.GetValue<string?>("--webhook-cert-secret"),
        WebhookServiceName = parse.GetValue<string>("--webhook-service")!,
        WebhookConfigurationName = parse.GetValue<string>("--webhook-configuration")!,
        LeaseNamespace = podNamespace ?? parse.GetValue<string?>("--namespace") ?? "default",
        LeaseName = parse.GetValue<string>("--lease-name")!,
    };

    private static IEnumerable<Option> Options()
    {
        var concurrency = new Option<int>("--concurrency") { Description = "Resources reconciled at once.", DefaultValueFactory = _ => 4 };
        var metricsPort = new Option<int>("--metrics-port") { Description = "Port of /metrics (Prometheus), /healthz and /readyz.", DefaultValueFactory = _ => 8080 };
        var webhookPort = new Option<int?>("--webhook-port") { Description = "Serve the admission webhooks over HTTPS on this port (the chart uses 9443); absent: no webhooks." };
        concurrency.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 256) r.AddError("--concurrency must be between 1 and 256."); });
        metricsPort.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 0 or > 65535) r.AddError("--metrics-port must be a TCP port (0-65535)."); });
        webhookPort.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 0 or > 65535) r.AddError("--webhook-port must be a TCP port (0-65535)."); });
        return
        [
            new Option<string?>("--kubeconfig") { Description = "Kubeconfig file (default: $KUBECONFIG, in-cluster, ~/.kube/config)." },
            new Option<string?>("--namespace", "-n") { Description = "Watch one namespace only (default: all)." },
            new Option<bool>("--leader-elect") { Description = "Run as one of several replicas: only the Lease holder reconciles." },
            new Option<string>("--lease-name") { Description = "The leader-election Lease (in $POD_NAMESPACE); the chart names it after the release, so two releases never share one.", DefaultValueFactory = _ => OperatorOptions.DefaultLeaseName },
            concurrency, metricsPort, webhookPort,
            new Option<string?>("--webhook-cert-dir") { Description = "Folder of the webhooks' mounted TLS Secret (tls.crt, tls.key, ca.crt); default: a generated certificate." },
            new Option<string?>("--webhook-cert-secret") { Description = "Keep the generated certificate in this Secret of $POD_NAMESPACE, so that replicas share it." },
            new Option<string>("--webhook-service") { Description = "Service (in $POD_NAMESPACE) the API server calls the webhooks through; its DNS names go into a generated certificate.", DefaultValueFactory = _ => WebhookNames.Service },
            new Option<string>("--webhook-configuration") { Description = "Name of the Validating- and MutatingWebhookConfiguration whose caBundle the operator keeps at its CA.", DefaultValueFactory = _ => WebhookNames.Configuration },
        ];
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
