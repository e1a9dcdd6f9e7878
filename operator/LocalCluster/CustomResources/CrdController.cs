using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmOperator.LocalCluster.CustomResources;

/// <summary>
/// apiextensions-apiserver's controllers for one machine: serves each CRD's kinds (one <see cref="ResourceType"/> per
/// served version) as soon as the CRD is stored, reports NamesAccepted and Established with acceptedNames, and on
/// deletion deletes every object of the kinds (the customresourcecleanup finalizer) before the CRD goes away.
/// Watches the whole store: CRDs to serve, and the objects of CRDs being deleted.
/// </summary>
public sealed class CrdController(ObjectStore store, ResourceRegistry registry, ILogger<CrdController>? logger = null)
    : IClusterComponent
{
    /// <summary>Holds a CRD until its objects are gone, as kube-apiserver's finalizer of the same name.</summary>
    public const string CleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io";

    private readonly ILogger _logger = logger ?? NullLogger<CrdController>.Instance;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, IReadOnlyList<ResourceType>> _served = new();
    private readonly CrdSync _sync = new();
    private ObjectWatch? _watch;
    private Task? _loop;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var (crds, resourceVersion) = store.List(BuiltInTypes.CustomResourceDefinitions, null);
        foreach (var crd in crds) Reconcile(crd);
        _watch = store.Watch(null, null, resourceVersion);
        _sync.Processed(resourceVersion);
        _loop = Task.Run(() => RunAsync(_watch, _stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Completes once every change up to <paramref name="resourceVersion"/> has been handled: a CRD stored at
    /// that version is then served (or refused) and its status written.
    /// </summary>
    public Task WaitForSyncAsync(long resourceVersion, CancellationToken cancellationToken = default) =>
        _sync.WaitAsync(resourceVersion, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _watch?.Dispose();
        if (_loop is not null) await _loop;
        _stop.Dispose();
    }

    private async Task RunAsync(ObjectWatch watch, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var change in watch.Events.ReadAllAsync(cancellationToken))
            {
                try
                {
                    Handle(change);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // One bad CRD must not stop serving the others; the next change of it retries.
                    _logger.LogWarning(e, "Could not handle {Type} of {Kind} {Name}", change.WireType,
                        (string?)change.Object["kind"], JsonRead.Str(change.Object, "metadata", "name"));
                }

                _sync.Processed(change.ResourceVersion);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Disposed: the watch ends with the component.
        }
    }

    private void Handle(WatchEvent change)
    {
        if (change.Type == WatchEventType.Bookmark) return;
        var apiVersion = (string?)change.Object["apiVersion"];
        var kind = (string?)change.Object["kind"];
        if (apiVersion == BuiltInTypes.CustomResourceDefinitions.ApiVersion && kind == BuiltInTypes.CustomResourceDefinitions.Kind)
        {
            var name = JsonRead.Str(change.Object, "metadata", "name") ?? "";
            if (change.Type == WatchEventType.Deleted) Forget(name);
            else if (store.Get(BuiltInTypes.CustomResourceDefinitions, null, name) is { } current) Reconcile(current);
            return;
        }

        // An object of a CRD being deleted went away: the CRD may now be released.
        if (change.Type == WatchEventType.Deleted && OwningCrd(apiVersion, kind) is { } owner &&
            store.Get(BuiltInTypes.CustomResourceDefinitions, null, owner) is { } crd)
        {
            Reconcile(crd);
        }
    }

    private void Reconcile(JsonObject crd)
    {
        var name = JsonRead.Str(crd, "metadata", "name") ?? "";
        if (JsonRead.Str(crd, "metadata", "deletionTimestamp") is not null)
        {
            Terminate(crd, name);
            return;
        }

        if (!HasCleanupFinalizer(crd))
        {
            // Serve in the same pass: a caller that waits for the CRD's own version must find it served.
            if (SetFinalizer(crd, add: true) is not { } updated) return;
            crd = updated;
        }

        var types = CrdSpec.ServedTypes(crd);
        var conflict = Conflict(name, types);
        if (conflict is null) Serve(name, types);
        store.Update(BuiltInTypes.CustomResourceDefinitions, CrdStatus.With(crd, conflict), ObjectStore.UpdateScope.Status);
        _logger.LogInformation("CustomResourceDefinition {Name}: {Outcome}", name, conflict ?? "established");
    }

    private void Serve(string name, IReadOnlyList<ResourceType> types)
    {
        foreach (var stale in _served.GetValueOrDefault(name, []).Where(old => !types.Any(t => SameResource(t, old))))
        {
            registry.Remove(stale.Group, stale.Version, stale.Plural);
        }

        foreach (var type in types) registry.Add(type);
        _served[name] = types;
    }

    /// <summary>Deletes the CRD's objects; once none is left, drops the finalizer so the CRD itself goes.</summary>
    private void Terminate(JsonObject crd, string name)
    {
        var types = _served.GetValueOrDefault(name) ?? CrdSpec.ServedTypes(crd);
        foreach (var type in types)
        {
            foreach (var obj in store.List(type, null).Items.Where(o => JsonRead.Str(o, "metadata", "deletionTimestamp") is null))
            {
                try
                {
                    store.Delete(type, JsonRead.Str(obj, "metadata", "namespace"), JsonRead.Str(obj, "metadata", "name") ?? "");
                }
                catch (ApiError e) when (e.Code == 404)
                {
                    // Deleted by someone else meanwhile: one fewer to wait for.
                }
            }
        }

        // Objects with finalizers of their own stay until their controllers release them; each DELETED brings us back.
        var left = types.Sum(t => store.List(t, null).Items.Count);
        if (left == 0 && HasCleanupFinalizer(crd)) SetFinalizer(crd, add: false);
    }

    private void Forget(string name)
    {
        if (!_served.Remove(name, out var types)) return;
        foreach (var type in types)
        {
            registry.Remove(type.Group, type.Version, type.Plural);
        }
    }

    /// <summary>Why the names cannot be served ("..." is already in use), or null.</summary>
    private string? Conflict(string name, IReadOnlyList<ResourceType> types)
    {
        var ours = _served.GetValueOrDefault(name, []);
        foreach (var type in types)
        {
            var taken = registry.All.FirstOrDefault(t => t.Group == type.Group && t.Version == type.Version &&
                (t.Plural == type.Plural || t.Kind == type.Kind) && !ours.Any(o => SameResource(o, t)));
            if (taken is not null)
            {
                return taken.Plural == type.Plural
                    ? $"\"{type.Plural}\" is already in use"
                    : $"kind \"{type.Kind}\" is already in use by \"{taken.Plural}\"";
            }
        }

        return null;
    }

    private string? OwningCrd(string? apiVersion, string? kind) =>
        _served.FirstOrDefault(s => s.Value.Any(t => t.ApiVersion == apiVersion && t.Kind == kind)).Key;

    /// <summary>The CRD with the finalizer added or removed; null when it changed meanwhile (its next event retries).</summary>
    private JsonObject? SetFinalizer(JsonObject crd, bool add)
    {
        var next = (JsonObject)crd.DeepClone();
        var metadata = (JsonObject)next["metadata"]!;
        var finalizers = (metadata["finalizers"] as JsonArray ?? []).Select(f => (string?)f).Where(f => f != CleanupFinalizer).ToList();
        if (add) finalizers.Add(CleanupFinalizer);
        metadata["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray());
        try
        {
            return store.Update(BuiltInTypes.CustomResourceDefinitions, next);
        }
        catch (ApiError e) when (e.Code is 404 or 409)
        {
            // Changed or gone meanwhile: its next event is handled from the newer state.
            return null;
        }
    }

    private static bool HasCleanupFinalizer(JsonObject crd) =>
        (JsonRead.At(crd, "metadata", "finalizers") as JsonArray ?? []).Any(f => (string?)f == CleanupFinalizer);

    private static bool SameResource(ResourceType a, ResourceType b) =>
        a.Group == b.Group && a.Version == b.Version && a.Plural == b.Plural;
}
