namespace LlmOperator.LocalCluster.Controllers.Runtime;

/// <summary>
/// A de-duplicating work queue of keys, like client-go's workqueue: a key waiting in the queue is
/// queued once however often it is added; a key being processed is not handed to a second worker,
/// and if it is added meanwhile it is queued again when <see cref="Done"/> is called. So a
/// reconcile always runs against the latest state, and never twice at once for the same key.
/// </summary>
internal sealed class WorkQueue<TKey>(TimeProvider clock) : IDisposable where TKey : notnull
{
    /// <summary>First retry delay after a failure; doubles per consecutive failure of the key.</summary>
    public static readonly TimeSpan RetryBase = TimeSpan.FromMilliseconds(5);

    /// <summary>Longest retry delay (client-go uses 1000 s; a local cluster should heal quickly).</summary>
    public static readonly TimeSpan RetryCap = TimeSpan.FromSeconds(5);

    private readonly object _gate = new();
    private readonly Queue<TKey> _queue = new();
    private readonly HashSet<TKey> _dirty = new();
    private readonly HashSet<TKey> _processing = new();
    private readonly Dictionary<TKey, int> _failures = new();
    private readonly Dictionary<TKey, DateTimeOffset> _waiting = new();
    private readonly SemaphoreSlim _ready = new(0);
    private readonly CancellationTokenSource _stopping = new();

    public void Add(TKey key)
    {
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested || !_dirty.Add(key) || _processing.Contains(key)) return;
            _queue.Enqueue(key);
        }

        _ready.Release();
    }

    /// <summary>
    /// Adds the key once <paramref name="delay"/> has passed on the cluster clock (minReadySeconds,
    /// progress deadlines). Only the earliest pending due time per key is kept.
    /// </summary>
    public void AddAfter(TKey key, TimeSpan delay) => AddAfter(key, delay, clock);

    /// <summary>
    /// Adds the key after an exponential back-off for its consecutive failures. The back-off runs on
    /// the real clock, not the cluster clock: it paces this process's retries, so tests that freeze
    /// cluster time still see failed reconciles retried.
    /// </summary>
    public void AddRateLimited(TKey key)
    {
        int failures;
        lock (_gate)
        {
            failures = _failures.GetValueOrDefault(key);
            _failures[key] = failures + 1;
        }

        var delay = TimeSpan.FromTicks(Math.Min(RetryCap.Ticks, RetryBase.Ticks << Math.Min(failures, 20)));
        AddAfter(key, delay, TimeProvider.System);
    }

    /// <summary>Clears the key's failure count after a successful reconcile.</summary>
    public void Forget(TKey key)
    {
        lock (_gate) _failures.Remove(key);
    }

    public async Task<TKey> TakeAsync(CancellationToken cancellationToken)
    {
        await _ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            var key = _queue.Dequeue();
            _dirty.Remove(key);
            _processing.Add(key);
            return key;
        }
    }

    public void Done(TKey key)
    {
        lock (_gate)
        {
            _processing.Remove(key);
            if (!_dirty.Contains(key)) return;
            _queue.Enqueue(key);
        }

        _ready.Release();
    }

    public void Dispose()
    {
        // The semaphore is not disposed: a racing Add may still release it, and it holds no handle.
        lock (_gate) _stopping.Cancel();
        _stopping.Dispose();
    }

    private void AddAfter(TKey key, TimeSpan delay, TimeProvider timeSource)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        var due = timeSource.GetUtcNow() + delay;
        CancellationToken stopping;
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested) return;
            if (_waiting.TryGetValue(key, out var pending) && pending <= due && timeSource == clock) return;
            if (timeSource == clock) _waiting[key] = due;
            stopping = _stopping.Token;
        }

        _ = FireAfterAsync(key, delay, due, timeSource, stopping);
    }

    private async Task FireAfterAsync(TKey key, TimeSpan delay, DateTimeOffset due, TimeProvider timeSource, CancellationToken stopping)
    {
        try
        {
            await Task.Delay(delay, timeSource, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        lock (_gate)
        {
            // A later, earlier-due request replaced this one; it fires on its own.
            if (timeSource == clock && (!_waiting.TryGetValue(key, out var pending) || pending != due)) return;
            if (timeSource == clock) _waiting.Remove(key);
        }

        Add(key);
    }
}
