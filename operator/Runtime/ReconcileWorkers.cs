using System.Diagnostics;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Kubernetes;
using LlmOperator.Operator.Telemetry;
using Microsoft.Extensions.Logging;

namespace LlmOperator.Operator.Runtime;

/// <summary>
/// N workers draining the queue: each takes a key, reads the resource fresh (the queue holds keys, not objects, so
/// a reconcile always sees the latest state), reconciles it in a span, and hands the result back to the queue.
/// </summary>
public sealed class ReconcileWorkers(
    ReconcileQueue queue,
    IClusterClient client,
    IReconciler<V1Alpha1ModelDeployment> reconciler,
    OperatorMetrics metrics,
    ILogger<ReconcileWorkers> logger)
{
    public Task RunAsync(int concurrency, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, concurrency)).Select(_ => Task.Run(() => WorkAsync(cancellationToken), CancellationToken.None)));

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            string key;
            try
            {
                key = await queue.DequeueAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            queue.Complete(key, await ReconcileKeyAsync(key, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>One reconcile of one key: never throws; an exception is a failure the queue backs off.</summary>
    public async Task<ReconcileResult> ReconcileKeyAsync(string key, CancellationToken cancellationToken)
    {
        using var activity = OperatorTelemetry.ActivitySource.StartActivity("reconcile ModelDeployment");
        activity?.SetTag("k8s.object.key", key);
        var started = Stopwatch.GetTimestamp();
        ReconcileResult result;
        try
        {
            var (ns, name) = ReconcileKeys.Parse(key);
            var resource = await client.GetAsync<V1Alpha1ModelDeployment>(ns, name, cancellationToken).ConfigureAwait(false);
            if (resource is null)
            {
                // Deleted: its objects carry owner references, so the garbage collector removes them.
                queue.Forget(key);
                metrics.SetStatus(key, null);
                logger.LogInformation("ModelDeployment {Key} is gone", key);
                result = ReconcileResult.Success();
            }
            else
            {
                activity?.SetTag("k8s.object.generation", resource.Metadata.Generation);
                result = await reconciler.ReconcileAsync(resource, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            result = ReconcileResult.Failure("cancelled: the operator is stopping or lost its lease");
        }
        catch (Exception e)
        {
            logger.LogError(e, "Reconcile of {Key} failed", key);
            result = ReconcileResult.Failure(e.Message, e);
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        var outcome = result.Succeeded ? "success" : result.Terminal ? "terminal" : "error";
        metrics.RecordReconcile(outcome, elapsed);
        activity?.SetTag("reconcile.result", outcome);
        if (!result.Succeeded) activity?.SetStatus(ActivityStatusCode.Error, result.Error);
        logger.LogDebug("Reconciled {Key} in {ElapsedMs} ms: {Result} {Error}", key, elapsed.TotalMilliseconds, outcome, result.Error);
        return result;
    }
}
