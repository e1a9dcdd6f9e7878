using LlmOperator.LocalCluster.Storage;
using Microsoft.Extensions.Logging;

namespace LlmOperator.LocalCluster.Controllers.Runtime;

/// <summary>
/// Watch → queue → reconcile for one controller: what client-go's informers and workqueue give each
/// loop of kube-controller-manager. One watch of every kind, resumed from the last seen
/// resourceVersion when the store cuts it, and re-listed (every key queued) on 410 Gone; a periodic
/// resync; one worker, so keys are reconciled one at a time in the order they became dirty.
/// </summary>
internal sealed class ControllerLoop<TKey>(
    string name, ObjectStore store, IReconciler<TKey> reconciler, ControllerOptions options) : IAsyncDisposable
    where TKey : notnull
{
    private readonly WorkQueue<TKey> _queue = new(options.Clock);
    private readonly ILogger _logger = options.Loggers.CreateLogger($"LocalCluster.{name}");
    private readonly CancellationTokenSource _stop = new();
    private Task[] _tasks = [];

    public void Start(CancellationToken cancellationToken)
    {
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token).Token;
        // Taken before the first listing, so that no change between listing and watching is lost.
        var since = store.CurrentResourceVersion;
        EnqueueAll();
        _tasks = [Task.Run(() => WatchAsync(since, linked)), Task.Run(() => WorkAsync(linked)), Task.Run(() => ResyncAsync(linked))];
    }

    /// <summary>Queues a key from outside the watch (e.g. after a write whose event is filtered out).</summary>
    public void Enqueue(TKey key) => _queue.Add(key);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var task in _tasks)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Expected: the loops end by cancellation.
            }
        }

        _queue.Dispose();
        _stop.Dispose();
    }

    private async Task WatchAsync(long since, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            ObjectWatch watch;
            try
            {
                watch = store.Watch(null, null, since);
            }
            catch (ApiError e) when (e.Code == 410)
            {
                _logger.LogInformation("{Controller}: watch from {ResourceVersion} expired; relisting", name, since);
                since = store.CurrentResourceVersion;
                EnqueueAll();
                continue;
            }

            using (watch)
            {
                await foreach (var change in watch.Events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (change.Type == WatchEventType.Bookmark) continue;
                    since = change.ResourceVersion;
                    foreach (var key in KeysFor(change)) _queue.Add(key);
                }
            }

            // The store ended the stream (fault injection cuts watches): resume where it stopped.
            _logger.LogDebug("{Controller}: watch closed at {ResourceVersion}; resuming", name, since);
        }
    }

    private IEnumerable<TKey> KeysFor(WatchEvent change)
    {
        try
        {
            return reconciler.KeysFor(change).ToList();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One malformed object must not stop the watch, or the controller would go deaf for good.
            _logger.LogWarning(e, "{Controller}: could not map a change at {ResourceVersion} to keys", name, change.ResourceVersion);
            return [];
        }
    }

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var key = await _queue.TakeAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var result = await reconciler.ReconcileAsync(key, cancellationToken).ConfigureAwait(false);
                _queue.Forget(key);
                if (result.RequeueAfter is { } delay) _queue.AddAfter(key, delay);
            }
            catch (ApiError e) when (e.Code is 409 or 404)
            {
                // Someone else wrote first (or the object went away): re-read and try again.
                _logger.LogDebug("{Controller}: {Key}: {Reason}; retrying", name, key, e.Reason);
                _queue.AddRateLimited(key);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _logger.LogWarning(e, "{Controller}: reconciling {Key} failed; retrying with back-off", name, key);
                _queue.AddRateLimited(key);
            }
            finally
            {
                _queue.Done(key);
            }
        }
    }

    private async Task ResyncAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(options.ResyncPeriod, options.Clock, cancellationToken).ConfigureAwait(false);
            EnqueueAll();
        }
    }

    private void EnqueueAll()
    {
        try
        {
            foreach (var key in reconciler.AllKeys()) _queue.Add(key);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The next resync tries again; the watch keeps running meanwhile.
            _logger.LogWarning(e, "{Controller}: listing every key failed", name);
        }
    }
}
