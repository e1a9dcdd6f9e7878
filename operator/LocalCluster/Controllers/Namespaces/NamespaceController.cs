using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Controllers.Objects;
using LlmOperator.LocalCluster.Controllers.Runtime;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Controllers.Namespaces;

/// <summary>
/// The namespace controller of kube-controller-manager (pkg/controller/namespace): deleting a
/// Namespace deletes everything in it. A namespace kept by the <c>kubernetes</c> finalizer (in
/// metadata.finalizers or spec.finalizers) shows phase Terminating while its contents go and is
/// released once nothing is left; a namespace removed at once still has its contents deleted
/// afterwards, and anything created in it later too, until a namespace of that name is created again.
/// </summary>
public sealed class NamespaceController : IClusterComponent, IReconciler<ObjectKey>
{
    public const string Component = "namespace-controller";
    public const string KubernetesFinalizer = "kubernetes";

    private readonly ObjectStore _store;
    private readonly ResourceRegistry _registry;
    private readonly ControllerLoop<ObjectKey> _loop;
    private readonly ConcurrentDictionary<string, bool> _gone = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _terminating = new(StringComparer.Ordinal);

    public NamespaceController(ObjectStore store, ResourceRegistry registry, ControllerOptions? options = null)
    {
        _store = store;
        _registry = registry;
        _loop = new ControllerLoop<ObjectKey>(Component, store, this, options ?? new ControllerOptions());
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop.Start(cancellationToken);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => _loop.DisposeAsync();

    IEnumerable<ObjectKey> IReconciler<ObjectKey>.AllKeys() =>
        _store.List(BuiltInTypes.Namespaces, null).Items.Where(n => n.IsDeleting()).Select(n => n.Name())
            .Concat(_gone.Keys).Distinct().Select(n => new ObjectKey(null, n)).ToList();

    IEnumerable<ObjectKey> IReconciler<ObjectKey>.KeysFor(WatchEvent change)
    {
        var obj = change.Object;
        if (obj.ApiVersion() == "v1" && obj.Kind() == "Namespace")
        {
            var name = obj.Name();
            if (change.Type == WatchEventType.Deleted)
            {
                _terminating.TryRemove(name, out _);
                _gone[name] = true;
                return [new ObjectKey(null, name)];
            }

            _gone.TryRemove(name, out _);
            if (!obj.IsDeleting()) return [];
            _terminating[name] = true;
            return [new ObjectKey(null, name)];
        }

        // Something changed inside a namespace that is going: delete it, or see whether it is empty now.
        return obj.Namespace() is { } ns && (_gone.ContainsKey(ns) || _terminating.ContainsKey(ns)) ? [new ObjectKey(null, ns)] : [];
    }

    Task<ReconcileResult> IReconciler<ObjectKey>.ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var ns = _store.Get(BuiltInTypes.Namespaces, null, key.Name);
        if (ns is not null && !ns.IsDeleting()) return Task.FromResult(ReconcileResult.Done);
        if (ns is not null) MarkTerminating(ns);
        var remaining = DeleteContents(key.Name);
        if (ns is not null && remaining == 0) Release(key.Name);
        return Task.FromResult(ReconcileResult.Done);
    }

    /// <summary>Deletes every object in the namespace, owners first (so controllers do not recreate what goes); returns how many remain (held by finalizers).</summary>
    private int DeleteContents(string ns)
    {
        var contents = _registry.All.Where(t => t.Namespaced).DistinctBy(t => t.GroupResource)
            .SelectMany(type => _store.List(type, ns).Items.Select(obj => (Type: type, Obj: obj)))
            .OrderBy(o => o.Obj.OwnerReferences().Any())
            .ToList();
        var remaining = 0;
        foreach (var (type, obj) in contents)
        {
            if (obj.IsDeleting())
            {
                remaining++;
                continue;
            }

            try
            {
                var after = _store.Delete(type, ns, obj.Name(), uid: obj.Uid());
                if (after.IsDeleting() && after.Finalizers().Count > 0) remaining++;
            }
            catch (ApiError e) when (e.Code is 404 or 409)
            {
                // Gone or replaced meanwhile; the replacement's own event brings us back.
            }
        }

        return remaining;
    }

    private void MarkTerminating(JsonObject ns)
    {
        if ((string?)ns["status"]?["phase"] == "Terminating") return;
        var edit = (JsonObject)ns.DeepClone();
        edit["status"] = new JsonObject { ["phase"] = "Terminating" };
        _store.Update(BuiltInTypes.Namespaces, edit, ObjectStore.UpdateScope.Status);
    }

    /// <summary>Drops the kubernetes finalizer; the store removes the namespace once no finalizer is left.</summary>
    private void Release(string name)
    {
        var ns = _store.Get(BuiltInTypes.Namespaces, null, name);
        if (ns is null) return;
        var changed = ns.RemoveFinalizer(KubernetesFinalizer);
        if (ns["spec"]?["finalizers"] is JsonArray specFinalizers)
        {
            var kept = specFinalizers.Where(f => (string?)f != KubernetesFinalizer).Select(f => f?.DeepClone()).ToArray();
            if (kept.Length != specFinalizers.Count)
            {
                ((JsonObject)ns["spec"]!)["finalizers"] = new JsonArray(kept);
                changed = true;
            }
        }

        if (changed) _store.Update(BuiltInTypes.Namespaces, ns);
    }
}
