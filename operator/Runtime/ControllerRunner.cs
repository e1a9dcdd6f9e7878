using k8s;
using k8s.Models;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Kubernetes;
using LlmOperator.Operator.Telemetry;
using Microsoft.Extensions.Logging;

namespace LlmOperator.Operator.Runtime;

/// <summary>The watch sources of one operator: its resources, and what it made or reads.</summary>
public sealed record WatchSet(
    IWatchSource<V1Alpha1ModelDeployment> ModelDeployments,
    IWatchSource<V1Deployment> Deployments,
    IWatchSource<V1Pod> Pods,
    IWatchSource<V1ConfigMap> ConfigMaps);

/// <summary>
/// What the leader runs: a watcher per kind feeding keys into a fresh queue, and the workers draining it. Everything
/// stops when the token is cancelled (shutdown, or the lease lost); a new term starts from a new list.
/// </summary>
public sealed class ControllerRunner(
    WatchSet watches,
    IClusterClient client,
    IReconciler<V1Alpha1ModelDeployment> reconciler,
    OperatorMetrics metrics,
    OperatorOptions options,
    ILoggerFactory loggers) : ILeaderWork
{
    private readonly ILogger _logger = loggers.CreateLogger<ControllerRunner>();

    /// <summary>The queue of the current term (for tests and the queue-depth metric).</summary>
    public ReconcileQueue? Queue { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var queue = Queue = new ReconcileQueue();
        metrics.Observe(() => queue.Due);
        var keys = new ReconcileKeys();
        var watchLogger = loggers.CreateLogger("LlmOperator.Operator.Runtime.ResourceWatcher");
        var tasks = new List<Task>
        {
            new ResourceWatcher<V1Alpha1ModelDeployment>(watches.ModelDeployments,
                (type, md) => queue.Enqueue(keys.ForModelDeployment(type, md)), watchLogger).RunAsync(cancellationToken),
            new ResourceWatcher<V1Deployment>(watches.Deployments, (_, d) => EnqueueOwner(queue, d), watchLogger).RunAsync(cancellationToken),
            new ResourceWatcher<V1Pod>(watches.Pods, (_, p) => EnqueueOwner(queue, p), watchLogger).RunAsync(cancellationToken),
            new ResourceWatcher<V1ConfigMap>(watches.ConfigMaps, (_, cm) =>
            {
                foreach (var key in keys.ForConfigMap(cm)) queue.Enqueue(key);
            }, watchLogger).RunAsync(cancellationToken),
            new ReconcileWorkers(queue, client, reconciler, metrics, loggers.CreateLogger<ReconcileWorkers>())
                .RunAsync(options.Concurrency, cancellationToken),
        };
        _logger.LogInformation("Controller started: {Concurrency} workers, namespace {Namespace}", options.Concurrency, options.Namespace ?? "(all)");
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        finally
        {
            // A standby exports no resource's state: what it saw as leader goes stale the moment another pod leads,
            // and alerts take the maximum over both pods' series.
            metrics.ForgetResources();
            metrics.Observe(() => 0);
        }
        _logger.LogInformation("Controller stopped");
    }

    private static void EnqueueOwner(ReconcileQueue queue, IKubernetesObject<V1ObjectMeta> owned)
    {
        if (ReconcileKeys.ForOwned(owned) is { } key) queue.Enqueue(key);
    }
}
