using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Controllers.Objects;
using LlmOperator.LocalCluster.Controllers.Runtime;
using LlmOperator.LocalCluster.Storage;
using Microsoft.Extensions.Logging;

namespace LlmOperator.LocalCluster.Controllers.GarbageCollection;

/// <summary>
/// The garbage collector of kube-controller-manager (pkg/controller/garbagecollector), over every
/// kind the API serves, CRD kinds included: an object whose owner references all point at owners
/// that no longer exist is deleted (background cascading: Deployment → ReplicaSets → Pods); one
/// that still has a live owner only loses the dangling references. Owners deleted with the
/// <c>foregroundDeletion</c> finalizer wait until their blocking dependents are gone; owners with
/// the <c>orphan</c> finalizer have their dependents' references removed instead. Keys are uids.
/// </summary>
public sealed class GarbageCollector : IClusterComponent, IReconciler<string>
{
    public const string Component = "garbage-collector-controller";

    private readonly ObjectStore _store;
    private readonly ResourceRegistry _registry;
    private readonly OwnerGraph _graph = new();
    private readonly ILogger _logger;
    private readonly ControllerLoop<string> _loop;

    public GarbageCollector(ObjectStore store, ResourceRegistry registry, ControllerOptions? options = null)
    {
        _store = store;
        _registry = registry;
        var settings = options ?? new ControllerOptions();
        _logger = settings.Loggers.CreateLogger("LocalCluster.GarbageCollector");
        _loop = new ControllerLoop<string>(Component, store, this, settings);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop.Start(cancellationToken);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => _loop.DisposeAsync();

    IEnumerable<string> IReconciler<string>.AllKeys()
    {
        var nodes = _registry.All.SelectMany(type => _store.List(type, null).Items.Select(obj => GraphNode.Of(obj, type)));
        _graph.Reset(nodes);
        return _graph.All().Where(NeedsAttention).Select(n => n.Uid).ToList();
    }

    IEnumerable<string> IReconciler<string>.KeysFor(WatchEvent change)
    {
        if (ResolveType(change.Object.ApiVersion(), change.Object.Kind()) is not { } type) return [];
        var uid = change.Object.Uid();
        var keys = new List<string>();
        GraphNode? previous;
        if (change.Type == WatchEventType.Deleted)
        {
            previous = _graph.Remove(uid);
            // Its dependents may now have lost their last owner.
            keys.AddRange(_graph.DependentsOf(uid).Select(d => d.Uid));
        }
        else
        {
            var node = GraphNode.Of(change.Object, type);
            previous = _graph.Upsert(node);
            if (NeedsAttention(node)) keys.Add(uid);
        }

        // An owner deleting in the foreground waits on this object; it may be free to go now.
        keys.AddRange((previous?.Owners ?? []).Select(o => _graph.Get(o.Uid)).OfType<GraphNode>().Where(o => o.DeletesDependents).Select(o => o.Uid));
        return keys.Distinct();
    }

    Task<ReconcileResult> IReconciler<string>.ReconcileAsync(string uid, CancellationToken cancellationToken)
    {
        var node = _graph.Get(uid);
        var live = node is null ? null : _store.Get(node.Type, node.Namespace, node.Name);
        if (node is null || live is null || live.Uid() != uid) return Task.FromResult(ReconcileResult.Done);
        if (live.IsDeleting())
        {
            if (live.Finalizers().Contains(DeletionPropagation.OrphanFinalizer)) OrphanDependents(node, live);
            else if (live.Finalizers().Contains(DeletionPropagation.ForegroundFinalizer)) DeleteDependentsFirst(node, live);
            return Task.FromResult(ReconcileResult.Done);
        }

        AttemptToDelete(node, live);
        return Task.FromResult(ReconcileResult.Done);
    }

    /// <summary>Owners gone → delete; some owners left → drop the references to the missing or foreground-deleting ones.</summary>
    private void AttemptToDelete(GraphNode node, JsonObject live)
    {
        var owners = live.OwnerReferences().Select(r => (Ref: r, State: OwnerState(r, node))).ToList();
        if (owners.Count == 0) return;
        var solid = owners.Where(o => o.State == Owner.Exists).ToList();
        var waiting = owners.Where(o => o.State == Owner.DeletingDependents).ToList();
        if (solid.Count > 0)
        {
            var stale = owners.Where(o => o.State != Owner.Exists).Select(o => (string?)o.Ref["uid"] ?? "").ToList();
            if (stale.Count == 0) return;
            foreach (var ownerUid in stale) ControllerRefs.RemoveOwnerReference(live, ownerUid);
            _store.Update(node.Type, live);
            return;
        }

        // Every owner is gone or is waiting for its dependents: this object goes. If an owner waits on
        // it and it has dependents of its own, it goes in the foreground too, so the wait cascades.
        var policy = waiting.Count > 0 && _graph.DependentsOf(node.Uid).Count > 0 ? PropagationPolicy.Foreground
            : live.Finalizers().Contains(DeletionPropagation.OrphanFinalizer) ? PropagationPolicy.Orphan
            : live.Finalizers().Contains(DeletionPropagation.ForegroundFinalizer) ? PropagationPolicy.Foreground
            : PropagationPolicy.Background;
        _logger.LogDebug("Deleting {Kind} {Namespace}/{Name}: its owners are gone ({Policy})", node.Type.Kind, node.Namespace, node.Name, policy);
        TryDelete(node, policy);
    }

    /// <summary>Foreground deletion: delete every dependent; once none that blocks is left, drop the finalizer.</summary>
    private void DeleteDependentsFirst(GraphNode owner, JsonObject live)
    {
        var dependents = _graph.DependentsOf(owner.Uid);
        var blocking = dependents.Where(d => d.Owners.Any(o => o.Uid == owner.Uid && o.BlockOwnerDeletion)).ToList();
        if (blocking.Count == 0)
        {
            live.RemoveFinalizer(DeletionPropagation.ForegroundFinalizer);
            _store.Update(owner.Type, live);
            return;
        }

        foreach (var dependent in dependents.Where(d => !d.Deleting))
        {
            if (_store.Get(dependent.Type, dependent.Namespace, dependent.Name) is { } current && current.Uid() == dependent.Uid)
            {
                AttemptToDelete(dependent, current);
            }
        }
    }

    /// <summary>Orphan deletion: the dependents lose their reference to the owner and stay; then the finalizer goes.</summary>
    private void OrphanDependents(GraphNode owner, JsonObject live)
    {
        foreach (var dependent in _graph.DependentsOf(owner.Uid))
        {
            var current = _store.Get(dependent.Type, dependent.Namespace, dependent.Name);
            if (current is null || current.Uid() != dependent.Uid || !ControllerRefs.RemoveOwnerReference(current, owner.Uid)) continue;
            _store.Update(dependent.Type, current);
        }

        live.RemoveFinalizer(DeletionPropagation.OrphanFinalizer);
        _store.Update(owner.Type, live);
    }

    private void TryDelete(GraphNode node, PropagationPolicy policy)
    {
        try
        {
            DeletionPropagation.Delete(_store, node.Type, node.Namespace, node.Name, policy, uid: node.Uid);
        }
        catch (ApiError e) when (e.Code == 404)
        {
            // Gone already.
        }
    }

    private enum Owner { Missing, Exists, DeletingDependents }

    /// <summary>Looks the owner up in the store by kind, namespace (the dependent's, for namespaced kinds) and name, and compares uids.</summary>
    private Owner OwnerState(JsonObject reference, GraphNode dependent)
    {
        var uid = (string?)reference["uid"] ?? "";
        var type = ResolveType((string?)reference["apiVersion"] ?? "", (string?)reference["kind"] ?? "");
        if (type is null) return _graph.Contains(uid) ? Owner.Exists : Owner.Missing;
        if (type.Namespaced && dependent.Namespace is null) return Owner.Missing;
        var owner = _store.Get(type, type.Namespaced ? dependent.Namespace : null, (string?)reference["name"] ?? "");
        if (owner is null || owner.Uid() != uid) return Owner.Missing;
        return owner.IsDeleting() && owner.Finalizers().Contains(DeletionPropagation.ForegroundFinalizer) ? Owner.DeletingDependents : Owner.Exists;
    }

    /// <summary>The served kind of an apiVersion/kind; any served version of the same group will do, as storage is per group and resource.</summary>
    private ResourceType? ResolveType(string apiVersion, string kind)
    {
        var group = apiVersion.Contains('/') ? apiVersion[..apiVersion.IndexOf('/')] : "";
        return _registry.FindKind(apiVersion, kind) ?? _registry.All.FirstOrDefault(t => t.Group == group && t.Kind == kind);
    }

    /// <summary>Has an owner the graph has never seen (or no longer has), or a deletion finalizer to act on.</summary>
    private bool NeedsAttention(GraphNode node) =>
        (node.Deleting && (node.DeletesDependents || node.Finalizers.Contains(DeletionPropagation.OrphanFinalizer))) ||
        (!node.Deleting && node.Owners.Any(o => _graph.Get(o.Uid) is not { } owner || owner.DeletesDependents));
}
