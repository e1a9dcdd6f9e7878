using System.Diagnostics;
using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.Operator.Benchmark;

/// <summary>One change the API server committed, with when this process saw it (Stopwatch ticks).</summary>
public sealed record TimedChange(WatchEventType Type, string Kind, JsonObject Object, long Timestamp)
{
    public string Name => (string?)Object["metadata"]?["name"] ?? "";
}

/// <summary>
/// Every change of one namespace, in commit order, straight from the local API server's store (the watch cache
/// kube-apiserver serves watches from), stamped as it is read. Observers see the same single ordered stream, so
/// the time between two changes (a pod's failure, the Deployment going back) is measured on one clock without
/// the operator's or an HTTP client's delays in it. Observers run on the reader: they must be quick.
/// </summary>
public sealed class StoreTimeline : IAsyncDisposable
{
    private readonly ObjectWatch _watch;
    private readonly Task _reader;
    private readonly Lock _gate = new();
    private readonly List<Action<TimedChange>> _observers = [];

    public StoreTimeline(ObjectStore store, string ns)
    {
        _watch = store.Watch(type: null, ns, store.CurrentResourceVersion);
        _reader = Task.Run(ReadAsync);
    }

    /// <summary>Adds an observer until the returned handle is disposed.</summary>
    public IDisposable Observe(Action<TimedChange> observer)
    {
        lock (_gate) _observers.Add(observer);
        return new Subscription(() =>
        {
            lock (_gate) _observers.Remove(observer);
        });
    }

    public async ValueTask DisposeAsync()
    {
        _watch.Dispose();
        await _reader.ConfigureAwait(false);
    }

    private async Task ReadAsync()
    {
        await foreach (var change in _watch.Events.ReadAllAsync().ConfigureAwait(false))
        {
            if (change.Type == WatchEventType.Bookmark) continue;
            var timed = new TimedChange(change.Type, (string?)change.Object["kind"] ?? "", change.Object, Stopwatch.GetTimestamp());
            Action<TimedChange>[] observers;
            lock (_gate) observers = [.. _observers];
            foreach (var observer in observers) observer(timed);
        }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
