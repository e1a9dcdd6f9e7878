namespace LlmOperator.LocalCluster.CustomResources;

/// <summary>Which resourceVersion a watcher has handled, and the callers waiting for it to get somewhere.</summary>
internal sealed class CrdSync
{
    private readonly object _gate = new();
    private readonly List<(long Version, TaskCompletionSource Done)> _waiting = new();
    private long _processed;

    public void Processed(long resourceVersion)
    {
        List<TaskCompletionSource> done;
        lock (_gate)
        {
            _processed = Math.Max(_processed, resourceVersion);
            done = _waiting.Where(w => w.Version <= _processed).Select(w => w.Done).ToList();
            _waiting.RemoveAll(w => w.Version <= _processed);
        }

        foreach (var waiter in done) waiter.TrySetResult();
    }

    public Task WaitAsync(long resourceVersion, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_processed >= resourceVersion) return Task.CompletedTask;
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add((resourceVersion, waiter));
            return waiter.Task.WaitAsync(cancellationToken);
        }
    }
}
