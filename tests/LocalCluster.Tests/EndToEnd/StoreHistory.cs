using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Controllers.Objects;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Tests.EndToEnd;

/// <summary>
/// Every change of the pods and Endpoints of one namespace from the moment it is created, in resourceVersion
/// order, so that a test can ask what the store held at any version: when a pod first became Ready, when its
/// deletion was stored, what the Endpoints listed. The store's resourceVersion is one global counter, so versions
/// of different kinds compare.
/// </summary>
internal sealed class StoreHistory : IDisposable
{
    private readonly ObjectWatch _pods;
    private readonly ObjectWatch _endpoints;
    private readonly List<WatchEvent> _podEvents = [];
    private readonly List<WatchEvent> _endpointEvents = [];

    public StoreHistory(ObjectStore store, string ns)
    {
        var now = store.CurrentResourceVersion;
        _pods = store.Watch(BuiltInTypes.Pods, ns, now);
        _endpoints = store.Watch(BuiltInTypes.Endpoints, ns, now);
    }

    public IReadOnlyList<WatchEvent> PodEvents => Drain(_pods, _podEvents);

    public IReadOnlyList<WatchEvent> EndpointEvents => Drain(_endpoints, _endpointEvents);

    /// <summary>The first version at which the pod was stored Ready, or null if it never was.</summary>
    public long? FirstReady(string pod) =>
        PodEvents.FirstOrDefault(e => e.Object.Name() == pod && e.Type != WatchEventType.Deleted && IsReady(e.Object))?.ResourceVersion;

    /// <summary>The version that stored the pod's deletion (deletionTimestamp set, or removed outright), or null.</summary>
    public long? Deletion(string pod) =>
        PodEvents.FirstOrDefault(e => e.Object.Name() == pod && (e.Type == WatchEventType.Deleted || e.Object.IsDeleting()))?.ResourceVersion;

    /// <summary>The pods, by name, as last stored (deleted ones included, as they were before they went).</summary>
    public IReadOnlyDictionary<string, JsonObject> Pods(Func<JsonObject, bool> selected)
    {
        var pods = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var change in PodEvents.Where(e => selected(e.Object))) pods[change.Object.Name()] = change.Object;
        return pods;
    }

    /// <summary>The pods an Endpoints object lists as ready addresses (targetRef names).</summary>
    public static IReadOnlyList<string> ReadyPods(JsonObject endpoints) => Addresses(endpoints, "addresses");

    public static IReadOnlyList<string> NotReadyPods(JsonObject endpoints) => Addresses(endpoints, "notReadyAddresses");

    public static bool IsReady(JsonObject pod) =>
        (pod["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>()
            .Any(c => (string?)c["type"] == "Ready" && (string?)c["status"] == "True");

    public void Dispose()
    {
        _pods.Dispose();
        _endpoints.Dispose();
    }

    private static IReadOnlyList<string> Addresses(JsonObject endpoints, string field) =>
        (endpoints["subsets"] as JsonArray ?? []).OfType<JsonObject>()
            .SelectMany(s => (s[field] as JsonArray ?? []).OfType<JsonObject>())
            .Select(a => (string?)a["targetRef"]?["name"] ?? "").ToList();

    private static List<WatchEvent> Drain(ObjectWatch watch, List<WatchEvent> into)
    {
        while (watch.Events.TryRead(out var change)) into.Add(change);
        return into;
    }
}
