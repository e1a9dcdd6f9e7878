using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Controllers.Objects;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Tests.Controllers.Support;

/// <summary>The pods of one app after one change in the store.</summary>
/// <param name="Live">Pods not being deleted and not finished.</param>
/// <param name="Available">Live pods that are Ready (minReadySeconds 0).</param>
/// <param name="Images">The image of each live pod.</param>
internal sealed record PodCount(long ResourceVersion, int Live, int Available, IReadOnlyList<string> Images);

/// <summary>
/// Records the pods of an app after every single change, from a consistent list and the watch that
/// follows it, so that a rollout's bounds can be checked at every step rather than at a few samples.
/// </summary>
internal sealed class PodCensus : IDisposable
{
    private readonly string _app;
    private readonly ObjectWatch _watch;
    private readonly Dictionary<string, JsonObject> _pods = new(StringComparer.Ordinal);
    private readonly List<PodCount> _counts = [];

    public PodCensus(ObjectStore store, string app)
    {
        _app = app;
        var (items, watch) = store.ListAndWatch(BuiltInTypes.Pods, Manifests.Namespace);
        _watch = watch;
        foreach (var pod in items.Where(Selected)) _pods[pod.Name()] = pod;
        Record(store.CurrentResourceVersion);
    }

    /// <summary>Every count so far, the first one being the state when the census began.</summary>
    public IReadOnlyList<PodCount> Counts
    {
        get
        {
            while (_watch.Events.TryRead(out var change))
            {
                if (!Selected(change.Object)) continue;
                if (change.Type == WatchEventType.Deleted) _pods.Remove(change.Object.Name());
                else _pods[change.Object.Name()] = change.Object;
                Record(change.ResourceVersion);
            }

            return _counts;
        }
    }

    public void Dispose() => _watch.Dispose();

    private bool Selected(JsonObject pod) => pod.Labels().GetValueOrDefault("app") == _app;

    private void Record(long resourceVersion)
    {
        var live = _pods.Values.Where(ClusterQueries.IsLive).ToList();
        _counts.Add(new PodCount(resourceVersion, live.Count, live.Count(ClusterQueries.IsReady), live.Select(ClusterQueries.Image).ToList()));
    }
}
