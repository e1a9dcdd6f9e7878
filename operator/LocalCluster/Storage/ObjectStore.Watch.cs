using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace LlmOperator.LocalCluster.Storage;

/// <summary>Change history and watch subscriptions (the etcd watch cache of kube-apiserver).</summary>
public sealed partial class ObjectStore
{
    /// <summary>How many changes are kept for resuming watches; older versions get 410 Gone.</summary>
    public int HistoryCapacity { get; init; } = 20_000;

    private readonly LinkedList<Change> _history = new();
    private readonly List<ObjectWatch> _watches = new();

    /// <summary>
    /// Starts a watch of one kind (or every kind when type is null) in one namespace (or all),
    /// replaying every change after <paramref name="sinceResourceVersion"/> first.
    /// Throws 410 Gone when that version is older than the kept history.
    /// </summary>
    public ObjectWatch Watch(ResourceType? type, string? ns, long sinceResourceVersion)
    {
        lock (_gate)
        {
            var oldest = _history.First?.Value.Event.ResourceVersion ?? _resourceVersion + 1;
            if (sinceResourceVersion < oldest - 1 && sinceResourceVersion < _resourceVersion)
            {
                throw ApiError.Gone($"too old resource version: {sinceResourceVersion} ({oldest - 1})");
            }

            var watch = new ObjectWatch(this, type?.GroupResource, ns);
            foreach (var change in _history.Where(c => c.Event.ResourceVersion > sinceResourceVersion))
            {
                watch.Offer(change.GroupResource, change.Namespace, change.Event);
            }

            _watches.Add(watch);
            return watch;
        }
    }

    /// <summary>
    /// The current objects and a watch of every later change, taken atomically: what a watch with
    /// resourceVersion=0 (or unset) needs, whose stream starts with a synthetic ADDED per object.
    /// </summary>
    public (IReadOnlyList<JsonObject> Items, ObjectWatch Watch) ListAndWatch(ResourceType type, string? ns)
    {
        List<StoredSnapshot> picked;
        ObjectWatch watch;
        lock (_gate)
        {
            picked = Pick(type, ns, where: null);
            watch = Watch(type, ns, _resourceVersion);
        }

        return (Copies(picked), watch);
    }

    /// <summary>Queues a BOOKMARK carrying the current resourceVersion, in order with the watch's events.</summary>
    public void Bookmark(ObjectWatch watch)
    {
        lock (_gate)
        {
            watch.Offer(watch.GroupResource, watch.Namespace,
                new WatchEvent(WatchEventType.Bookmark, new JsonObject(), _resourceVersion), bypassFilter: true);
        }
    }

    internal void Unsubscribe(ObjectWatch watch)
    {
        lock (_gate)
        {
            _watches.Remove(watch);
        }
    }

    /// <summary>Ends every open watch (e.g. fault injection: "watch streams cut mid-way").</summary>
    public void CloseWatches()
    {
        lock (_gate)
        {
            foreach (var watch in _watches.ToList()) watch.Close();
            _watches.Clear();
        }
    }

    private void Commit(ResourceType type, SortedDictionary<string, StoredSnapshot> bucket, string key,
        JsonObject stored, WatchEventType kind, JsonObject? previous)
    {
        var rv = ++_resourceVersion;
        Metadata(stored)["resourceVersion"] = rv.ToString();
        bucket[key] = new StoredSnapshot(stored);
        Publish(type, stored, kind, rv, previous);
    }

    private void Remove(ResourceType type, SortedDictionary<string, StoredSnapshot> bucket, string key, JsonObject last)
    {
        var rv = ++_resourceVersion;
        Metadata(last)["resourceVersion"] = rv.ToString();
        bucket.Remove(key);
        Publish(type, last, WatchEventType.Deleted, rv, previous: null);
    }

    private void Publish(ResourceType type, JsonObject obj, WatchEventType kind, long rv, JsonObject? previous)
    {
        var ns = (string?)Metadata(obj)["namespace"];
        var change = new Change(type.GroupResource, ns,
            new WatchEvent(kind, (JsonObject)obj.DeepClone(), rv) { Previous = (JsonObject?)previous?.DeepClone() });
        _history.AddLast(change);
        while (_history.Count > HistoryCapacity) _history.RemoveFirst();
        foreach (var watch in _watches) watch.Offer(change.GroupResource, ns, change.Event);
    }

    private sealed record Change(string GroupResource, string? Namespace, WatchEvent Event);
}

/// <summary>
/// One open watch: events in resourceVersion order on <see cref="Events"/>. Each event object is
/// shared between watches of the same change, so readers must not modify it (clone first).
/// Dispose to stop it.
/// </summary>
public sealed class ObjectWatch : IDisposable
{
    private readonly ObjectStore _store;
    private readonly Channel<WatchEvent> _channel = Channel.CreateUnbounded<WatchEvent>(
        new UnboundedChannelOptions { SingleReader = true });

    internal ObjectWatch(ObjectStore store, string? groupResource, string? ns)
    {
        _store = store;
        GroupResource = groupResource;
        Namespace = ns;
    }

    /// <summary>The kind watched ("deployments.apps"), or null for every kind.</summary>
    public string? GroupResource { get; }

    public string? Namespace { get; }

    public ChannelReader<WatchEvent> Events => _channel.Reader;

    internal void Offer(string? groupResource, string? ns, WatchEvent change, bool bypassFilter = false)
    {
        if (bypassFilter || ((GroupResource is null || GroupResource == groupResource) && (Namespace is null || Namespace == ns)))
        {
            _channel.Writer.TryWrite(change);
        }
    }

    internal void Close() => _channel.Writer.TryComplete();

    public void Dispose()
    {
        _store.Unsubscribe(this);
        Close();
    }
}
