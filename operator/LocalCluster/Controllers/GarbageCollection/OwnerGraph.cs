using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Controllers.Objects;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Controllers.GarbageCollection;

/// <summary>One owner reference as the garbage collector reads it.</summary>
internal sealed record OwnerLink(string Uid, string ApiVersion, string Kind, string Name, bool BlockOwnerDeletion);

/// <summary>One object of the graph: where to find it, whom it names as owners, and its deletion state.</summary>
internal sealed record GraphNode(string Uid, ResourceType Type, string? Namespace, string Name, IReadOnlyList<OwnerLink> Owners, IReadOnlyList<string> Finalizers, bool Deleting)
{
    /// <summary>Being deleted in the foreground: it waits for its blocking dependents to go first.</summary>
    public bool DeletesDependents => Deleting && Finalizers.Contains(DeletionPropagation.ForegroundFinalizer);

    public static GraphNode Of(JsonObject obj, ResourceType type) => new(
        obj.Uid(), type, type.Namespaced ? obj.Namespace() : null, obj.Name(),
        obj.OwnerReferences().Select(r => new OwnerLink(
            (string?)r["uid"] ?? "", (string?)r["apiVersion"] ?? "", (string?)r["kind"] ?? "", (string?)r["name"] ?? "",
            (bool?)r["blockOwnerDeletion"] == true)).ToList(),
        obj.Finalizers(), obj.IsDeleting());
}

/// <summary>
/// Every object by uid and, for each uid, the objects that name it as owner (the garbage
/// collector's dependency graph, GraphBuilder in Kubernetes), built from a listing and kept current
/// from the watch. Thread-safe; the collector re-reads the store before acting on anything in it.
/// </summary>
internal sealed class OwnerGraph
{
    private readonly object _gate = new();
    private readonly Dictionary<string, GraphNode> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _dependents = new(StringComparer.Ordinal);

    public GraphNode? Get(string uid)
    {
        lock (_gate) return _nodes.GetValueOrDefault(uid);
    }

    public bool Contains(string uid)
    {
        lock (_gate) return _nodes.ContainsKey(uid);
    }

    /// <summary>Adds or replaces a node; returns the node it replaced.</summary>
    public GraphNode? Upsert(GraphNode node)
    {
        lock (_gate)
        {
            var previous = RemoveLocked(node.Uid);
            _nodes[node.Uid] = node;
            foreach (var owner in node.Owners)
            {
                if (!_dependents.TryGetValue(owner.Uid, out var set)) _dependents[owner.Uid] = set = new(StringComparer.Ordinal);
                set.Add(node.Uid);
            }

            return previous;
        }
    }

    public GraphNode? Remove(string uid)
    {
        lock (_gate) return RemoveLocked(uid);
    }

    public IReadOnlyList<GraphNode> DependentsOf(string uid)
    {
        lock (_gate)
        {
            return _dependents.TryGetValue(uid, out var set) ? set.Select(d => _nodes.GetValueOrDefault(d)).OfType<GraphNode>().ToList() : [];
        }
    }

    /// <summary>Rebuilds the graph from a full listing (start, resync, and relist after 410).</summary>
    public void Reset(IEnumerable<GraphNode> nodes)
    {
        lock (_gate)
        {
            _nodes.Clear();
            _dependents.Clear();
            foreach (var node in nodes) Upsert(node);
        }
    }

    public IReadOnlyList<GraphNode> All()
    {
        lock (_gate) return _nodes.Values.ToList();
    }

    private GraphNode? RemoveLocked(string uid)
    {
        if (!_nodes.Remove(uid, out var previous)) return null;
        foreach (var owner in previous.Owners)
        {
            if (_dependents.TryGetValue(owner.Uid, out var set) && set.Remove(uid) && set.Count == 0) _dependents.Remove(owner.Uid);
        }

        return previous;
    }
}
