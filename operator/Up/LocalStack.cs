using System.Net;
using k8s;
using LlmOperator.LocalCluster;
using LlmOperator.LocalCluster.Kubelet;
using LlmOperator.Operator.Runtime;
using LlmOperator.Operator.Runtime.Hosting;
using LlmOperator.Operator.Webhooks;
using LlmOperator.Operator.Webhooks.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmOperator.Operator.Up;

/// <summary>What <see cref="LocalStack"/> starts.</summary>
public sealed record LocalStackOptions
{
    /// <summary>API server port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Where the kubeconfig goes; null: a temporary file, deleted on stop.</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>The node's Hugging Face hub cache (HF_HUB_CACHE of engine pods); null: a temporary one.</summary>
    public string? ModelCache { get; init; }

    /// <summary>The folder of the CRDs to install (the repository's crds/).</summary>
    public required string CrdDirectory { get; init; }

    /// <summary>The operator's log level on stderr.</summary>
    public LogLevel OperatorLogLevel { get; init; } = LogLevel.Warning;

    /// <summary>The cluster's loggers; null logs nothing.</summary>
    public ILoggerFactory? ClusterLoggers { get; init; }
}

/// <summary>
/// The whole product on one machine, in this process: the local control plane with the CRD installed, and the
/// operator (the host of <c>run</c>) with its admission webhooks on 127.0.0.1, registered with the API server by URL
/// and CA, as a cluster's installation does with a Service. Disposing stops the operator, then the cluster and every
/// process its kubelet started.
/// </summary>
public sealed class LocalStack : IAsyncDisposable
{
    private WebApplication? _operator;

    private LocalStack(LocalClusterHost cluster) => (Cluster, Client) = (cluster, cluster.CreateClient());

    public LocalClusterHost Cluster { get; }

    public k8s.Kubernetes Client { get; }

    /// <summary>The node's Hugging Face hub cache, where engine pods find <c>--model ORG/NAME</c>.</summary>
    public string ModelCache => Cluster.Components.OfType<LocalKubelet>().Single().ModelCache!;

    public WebhookServer Webhooks => _operator!.Services.GetRequiredService<WebhookServer>();

    /// <summary>Where the operator serves <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c> (its metrics port, on any free port).</summary>
    public Uri OperatorMetricsAddress => new(_operator!.Urls.First(u => u.StartsWith("http://", StringComparison.Ordinal)).Replace("[::]", "127.0.0.1", StringComparison.Ordinal));

    public static async Task<LocalStack> StartAsync(LocalStackOptions options, CancellationToken cancellationToken)
    {
        var clusterOptions = StandardCluster.Options(options.Port, options.Kubeconfig, gpusPerNode: 8, nodes: 1, modelCache: options.ModelCache)
            with { Loggers = options.ClusterLoggers };
        var stack = new LocalStack(await LocalClusterHost.StartAsync(clusterOptions, cancellationToken));
        try
        {
            await CrdInstaller.InstallAsync(stack.Client, options.CrdDirectory, cancellationToken);
            // As a chart installs them: the configurations first, without a CA, which the operator patches in at start.
            int webhookPort = FreeLoopbackPort();
            await stack.RegisterWebhooksAsync(webhookPort, cancellationToken);
            await stack.StartOperatorAsync(webhookPort, options.OperatorLogLevel, cancellationToken);
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>A port free now; the webhook server binds it a moment later (the configurations must name it first).</summary>
    private static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_operator is not null)
        {
            await _operator.StopAsync(CancellationToken.None);
            await _operator.DisposeAsync();
            _operator = null;
        }
        Client.Dispose();
        await Cluster.DisposeAsync();
    }

    private async Task StartOperatorAsync(int webhookPort, LogLevel logLevel, CancellationToken cancellationToken)
    {
        var options = new OperatorOptions { MetricsPort = 0, WebhookPort = webhookPort, WebhookAddress = IPAddress.Loopback, Concurrency = 4 };
        _operator = OperatorHost.Build(options, new KubernetesClientConfiguration { Host = Cluster.Address.ToString() },
            [new WebhookHostExtension(), new EmbeddedOperatorHost(logLevel)]);
        await _operator.StartAsync(cancellationToken);
    }

    /// <summary>The configurations <c>webhook-config --url https://127.0.0.1:PORT</c> prints, created through the API.</summary>
    private async Task RegisterWebhooksAsync(int port, CancellationToken cancellationToken)
    {
        var target = new WebhookTarget { Url = $"https://127.0.0.1:{port}" };
        await Client.AdmissionregistrationV1.CreateValidatingWebhookConfigurationAsync(WebhookConfigurations.Validating(target), cancellationToken: cancellationToken);
        await Client.AdmissionregistrationV1.CreateMutatingWebhookConfigurationAsync(WebhookConfigurations.Mutating(target), cancellationToken: cancellationToken);
    }
}
