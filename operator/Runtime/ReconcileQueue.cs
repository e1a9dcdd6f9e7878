namespace LlmOperator.Operator.Runtime;

/// <summary>
/// The work queue between watchers and workers (client-go's rate-limited delaying queue, simplified): a key is
/// queued at most once; a key being reconciled is never handed to a second worker, and a change that arrives
/// meanwhile queues it again after; failures back off exponentially per key (base·2^n with jitter, capped) until a
/// success resets them; RequeueAfter schedules a later visit.
/// </summary>
public sealed class ReconcileQueue(TimeProvider? clock = null, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null)
{
    private readonly object _gate = new();
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly TimeSpan _baseDelay = baseDelay ?? TimeSpan.FromMilliseconds(200);
    private readonly TimeSpan _maxDelay = maxDelay ?? TimeSpan.FromMinutes(5);
    private readonly Dictionary<string, DateTimeOffset> _due = new();
    private readonly HashSet<string> _active = new();
    private readonly Dictionary<string, DateTimeOffset> _dirty = new();
    private readonly Dictionary<string, int> _failures = new();
    private readonly SemaphoreSlim _signal = new(0);

    /// <summary>Keys waiting (queued or scheduled).</summary>
    public int Depth { get { lock (_gate) { return _due.Count + _dirty.Count; } } }

    /// <summary>Keys due now and waiting for a worker (scheduled visits not yet due are not backlog): the queue-depth metric.</summary>
    public int Due
    {
        get
        {
            lock (_gate)
            {
                var now = _clock.GetUtcNow();
                return _due.Count(p => p.Value <= now) + _dirty.Count(p => p.Value <= now);
            }
        }
    }

    /// <summary>Queues <paramref name="key"/> after <paramref name="delay"/>; an earlier schedule wins.</summary>
    public void Enqueue(string key, TimeSpan? delay = null)
    {
        var at = _clock.GetUtcNow() + (delay ?? TimeSpan.Zero);
        lock (_gate)
        {
            var target = _active.Contains(key) ? _dirty : _due;
            if (!target.TryGetValue(key, out var existing) || at < existing) target[key] = at;
        }
        _signal.Release();
    }

    /// <summary>Waits for the next due key and marks it active until <see cref="Complete"/>.</summary>
    public async Task<string> DequeueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            TimeSpan wait;
            lock (_gate)
            {
                var now = _clock.GetUtcNow();
                var next = _due.OrderBy(p => p.Value).FirstOrDefault();
                if (next.Key is not null && next.Value <= now)
                {
                    _due.Remove(next.Key);
                    _active.Add(next.Key);
                    return next.Key;
                }
                wait = next.Key is null ? Timeout.InfiniteTimeSpan : next.Value - now;
            }
            await WaitAsync(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Ends a key's reconcile and schedules what its result asks for.</summary>
    public void Complete(string key, ReconcileResult result)
    {
        TimeSpan? next;
        lock (_gate)
        {
            _active.Remove(key);
            next = NextVisit(key, result);
            if (_dirty.Remove(key, out var dirtyAt))
            {
                var at = dirtyAt;
                if (next is { } n && _clock.GetUtcNow() + n < at) at = _clock.GetUtcNow() + n;
                _due[key] = at;
                next = null;
            }
        }
        if (next is { } delay) Enqueue(key, delay);
        else _signal.Release();
    }

    /// <summary>Drops a key's back-off history (the object was deleted).</summary>
    public void Forget(string key)
    {
        lock (_gate) { _failures.Remove(key); }
    }

    private TimeSpan? NextVisit(string key, ReconcileResult result)
    {
        if (result.Succeeded || result.Terminal)
        {
            _failures.Remove(key);
            return result.Succeeded ? result.RequeueAfter : null;
        }
        var failures = _failures.TryGetValue(key, out var n) ? n + 1 : 1;
        _failures[key] = failures;
        var backoff = _baseDelay * Math.Pow(2, Math.Min(failures - 1, 20));
        var jitter = 1 + (Random.Shared.NextDouble() * 0.2);
        return TimeSpan.FromTicks(Math.Min(_maxDelay.Ticks, (long)(backoff.Ticks * jitter)));
    }

    private async Task WaitAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        if (wait == Timeout.InfiniteTimeSpan)
        {
            await _signal.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(wait, _clock, timeout.Token);
        var signalled = _signal.WaitAsync(timeout.Token);
        await Task.WhenAny(delay, signalled).ConfigureAwait(false);
        await timeout.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }
}
