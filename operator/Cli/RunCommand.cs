using System.CommandLine;
using k8s.Exceptions;
using LlmOperator.Operator.Runtime;
using LlmOperator.Operator.Runtime.Hosting;

namespace LlmOperator.Operator.Cli;

/// <summary>
/// <c>run [--kubeconfig F] [--namespace NS] [--leader-elect] [--concurrency N] [--metrics-port P] [--webhook-port P]</c>:
/// the operator itself, until SIGTERM or Ctrl+C. In a pod it uses the in-cluster configuration.
/// </summary>
internal static class RunCommand
{
    public const int Stopped = 0, Unusable = 2;

    /// <param name="extensions">Parts that share the host (the admission webhooks).</param>
    public static Command Create(params IOperatorHostExtension[] extensions)
    {
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "Kubeconfig file (default: $KUBECONFIG, in-cluster, ~/.kube/config)." };
        var ns = new Option<string?>("--namespace", "-n") { Description = "Watch one namespace only (default: all)." };
        var leaderElect = new Option<bool>("--leader-elect") { Description = "Run as one of several replicas: only the Lease holder reconciles." };
        var concurrency = new Option<int>("--concurrency") { Description = "Resources reconciled at once.", DefaultValueFactory = _ => 4 };
        var metricsPort = new Option<int>("--metrics-port") { Description = "Port of /metrics (Prometheus), /healthz and /readyz.", DefaultValueFactory = _ => 8080 };
        var webhookPort = new Option<int>("--webhook-port") { Description = "HTTPS port of the admission webhooks.", DefaultValueFactory = _ => 9443 };
        concurrency.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 256) r.AddError("--concurrency must be between 1 and 256."); });
        foreach (var port in new[] { metricsPort, webhookPort })
            port.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 0 or > 65535) r.AddError($"{port.Name} must be a TCP port (0-65535)."); });
        var command = new Command("run", "Run the operator: reconcile ModelDeployments, roll back failing revisions, serve metrics and webhooks.")
        {
            kubeconfig, ns, leaderElect, concurrency, metricsPort, webhookPort,
        };
        command.SetAction(parse => Run(new OperatorOptions
        {
            Kubeconfig = parse.GetValue(kubeconfig),
            Namespace = parse.GetValue(ns),
            LeaderElect = parse.GetValue(leaderElect),
            Concurrency = parse.GetValue(concurrency),
            MetricsPort = parse.GetValue(metricsPort),
            WebhookPort = parse.GetValue(webhookPort),
            LeaseNamespace = parse.GetValue(ns) ?? Environment.GetEnvironmentVariable("POD_NAMESPACE") ?? "default",
        }, extensions));
        return command;
    }

    private static int Run(OperatorOptions options, IReadOnlyList<IOperatorHostExtension> extensions)
    {
        k8s.KubernetesClientConfiguration cluster;
        try
        {
            cluster = KubeConfig.Load(options.Kubeconfig);
        }
        catch (KubeConfigException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return Unusable;
        }
        using var app = OperatorHost.Build(options, cluster, extensions);
        // The host stops on SIGTERM (a pod being deleted) and Ctrl+C, shutting the controller down gracefully.
        app.Run();
        return Stopped;
    }
}
