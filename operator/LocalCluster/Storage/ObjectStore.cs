using System.Text.Json.Nodes;

namespace LlmOperator.LocalCluster.Storage;

/// <summary>
/// The cluster's state, in memory: every object of every kind under one global resourceVersion
/// counter, as etcd gives kube-apiserver. All methods are atomic (one lock) and return private
/// copies; callers never share a node with the store. A stored object is never changed after it is
/// stored (every write stores a new node) and carries its JSON text, so reads only take references
/// under the lock and parse their copies outside it: a list of N objects does not hold every other
/// client for N deep copies. Semantics kept here so that every client
/// (HTTP handlers, controllers, kubelet) gets them: uid/creationTimestamp on create, optimistic
/// concurrency, generation bumped on spec changes only, status subresource separation,
/// finalizers with deletionTimestamp, and no-op updates that write nothing.
/// </summary>
public sealed partial class ObjectStore(TimeProvider? clock = null)
{
    private readonly object _gate = new();
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly Dictionary<string, SortedDictionary<string, StoredSnapshot>> _objects = new();
    private long _resourceVersion = 1;

    /// <summary>Which part of an object an update may change.</summary>
    public enum UpdateScope
    {
        /// <summary>Everything but status when the kind has a status subresource.</summary>
        Main,

        /// <summary>Only status (the /status subresource).</summary>
        Status,

        /// <summary>
        /// Main and status in one write: for what kube-apiserver changes in one step on the control plane's behalf
        /// (a pod binding sets spec.nodeName and the PodScheduled condition together).
        /// </summary>
        MainAndStatus,
    }

    public long CurrentResourceVersion { get { lock (_gate) { return _resourceVersion; } } }

    public JsonObject? Get(ResourceType type, string? ns, string name)
    {
        StoredSnapshot? found;
        lock (_gate)
        {
            found = Bucket(type).GetValueOrDefault(Key(ns, name));
        }

        return found?.Copy();
    }

    /// <summary>
    /// All objects of a kind (in one namespace, or all when ns is null), sorted by namespace/name.
    /// <paramref name="where"/> picks objects before they are copied (so unwanted ones cost no copy); it runs
    /// under the store's lock on the stored nodes, so it must only read them and must not call the store.
    /// </summary>
    public (IReadOnlyList<JsonObject> Items, long ResourceVersion) List(ResourceType type, string? ns, Func<JsonObject, bool>? where = null)
    {
        List<StoredSnapshot> picked;
        long rv;
        lock (_gate)
        {
            picked = Pick(type, ns, where);
            rv = _resourceVersion;
        }

        return (Copies(picked), rv);
    }

    /// <param name="dryRun">Run every check and return what would be stored, storing nothing (dryRun=All).</param>
    public JsonObject Create(ResourceType type, JsonObject obj, bool dryRun = false)
    {
        lock (_gate)
        {
            var stored = (JsonObject)obj.DeepClone();
            var meta = Metadata(stored);
            var name = NameFor(type, meta);
            var ns = type.Namespaced ? (string?)meta["namespace"] : null;
            if (type.Namespaced && string.IsNullOrEmpty(ns))
            {
                throw ApiError.BadRequest($"{type.Kind} \"{name}\": metadata.namespace is required");
            }

            var bucket = Bucket(type);
            if (bucket.ContainsKey(Key(ns, name)))
            {
                throw ApiError.AlreadyExists(type, name);
            }

            stored["apiVersion"] = type.ApiVersion;
            stored["kind"] = type.Kind;
            meta.Remove("namespace");
            if (ns is not null) meta["namespace"] = ns;
            meta["uid"] = Guid.NewGuid().ToString();
            meta["creationTimestamp"] = Now();
            meta.Remove("deletionTimestamp");
            meta.Remove("managedFields");
            // A long, as Update reads it back with a (long?) cast; an in-memory int node would not convert.
            if (type.TracksGeneration) meta["generation"] = 1L;
            else meta.Remove("generation");
            meta.Remove("resourceVersion");
            if (!dryRun) Commit(type, bucket, Key(ns, name), stored, WatchEventType.Added, previous: null);
            return (JsonObject)stored.DeepClone();
        }
    }

    /// <summary>
    /// Replaces an object. A resourceVersion in the input must match (409 otherwise); without one the
    /// update is unconditional. Returns the stored object; an identical update writes nothing.
    /// </summary>
    public JsonObject Update(ResourceType type, JsonObject obj, UpdateScope scope = UpdateScope.Main, bool dryRun = false)
    {
        lock (_gate)
        {
            var meta = Metadata(obj);
            var name = (string?)meta["name"] ?? throw ApiError.BadRequest("metadata.name is required");
            var ns = type.Namespaced ? (string?)meta["namespace"] : null;
            var bucket = Bucket(type);
            if (!bucket.TryGetValue(Key(ns, name), out var snapshot))
            {
                throw ApiError.NotFound(type, name);
            }

            var current = snapshot.Node;
            CheckResourceVersion(type, name, meta, current);
            var next = scope switch
            {
                UpdateScope.Status => WithStatusOf(current, obj),
                UpdateScope.MainAndStatus => WithStatusOf(WithMainOf(type, current, obj), obj),
                _ => WithMainOf(type, current, obj),
            };
            if (JsonNode.DeepEquals(next, current))
            {
                return (JsonObject)current.DeepClone();
            }

            if (type.TracksGeneration && !JsonNode.DeepEquals(SpecOf(next), SpecOf(current)))
            {
                Metadata(next)["generation"] = Generation(current) + 1;
            }

            if (dryRun)
            {
                return (JsonObject)next.DeepClone();
            }

            if (IsDeleting(next) && Finalizers(next) == 0)
            {
                Remove(type, bucket, Key(ns, name), next);
            }
            else
            {
                Commit(type, bucket, Key(ns, name), next, WatchEventType.Modified, current);
            }

            return (JsonObject)next.DeepClone();
        }
    }

    /// <summary>
    /// Deletes an object: with finalizers it only gains deletionTimestamp (and stays until they are
    /// removed); otherwise it is gone. Returns the object as last stored. Optional preconditions as
    /// in DeleteOptions.preconditions.
    /// </summary>
    public JsonObject Delete(ResourceType type, string? ns, string name, string? uid = null, string? resourceVersion = null, bool dryRun = false)
    {
        lock (_gate)
        {
            var bucket = Bucket(type);
            if (!bucket.TryGetValue(Key(ns, name), out var snapshot))
            {
                throw ApiError.NotFound(type, name);
            }

            var current = snapshot.Node;
            var meta = Metadata(current);
            if ((uid is not null && uid != (string?)meta["uid"]) ||
                (resourceVersion is not null && resourceVersion != (string?)meta["resourceVersion"]))
            {
                throw ApiError.Conflict(type, name, "the precondition for the deletion does not hold");
            }

            var next = (JsonObject)current.DeepClone();
            if (Finalizers(current) == 0)
            {
                if (!dryRun) Remove(type, bucket, Key(ns, name), next);
                return (JsonObject)next.DeepClone();
            }

            if (!IsDeleting(current))
            {
                Metadata(next)["deletionTimestamp"] = Now();
                Metadata(next)["deletionGracePeriodSeconds"] = 0;
                if (!dryRun) Commit(type, bucket, Key(ns, name), next, WatchEventType.Modified, current);
            }

            return (JsonObject)next.DeepClone();
        }
    }

    private static JsonObject WithMainOf(ResourceType type, JsonObject current, JsonObject input)
    {
        var next = (JsonObject)input.DeepClone();
        next["apiVersion"] = type.ApiVersion;
        next["kind"] = type.Kind;
        var meta = Metadata(next);
        var was = Metadata(current);
        foreach (var kept in new[] { "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "resourceVersion", "namespace" })
        {
            meta.Remove(kept);
            if (was[kept] is { } value) meta[kept] = value.DeepClone();
        }

        meta.Remove("managedFields");
        if (type.HasStatusSubresource)
        {
            next.Remove("status");
            if (current["status"] is { } status) next["status"] = status.DeepClone();
        }

        return next;
    }

    private static JsonObject WithStatusOf(JsonObject current, JsonObject input)
    {
        var next = (JsonObject)current.DeepClone();
        next.Remove("status");
        if (input["status"] is { } status) next["status"] = status.DeepClone();
        return next;
    }

    /// <summary>The part of an object whose change is a new generation: all but metadata and status.</summary>
    private static JsonObject SpecOf(JsonObject obj) =>
        new(obj.Where(p => p.Key is not ("metadata" or "status" or "apiVersion" or "kind"))
            .Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));

    private static void CheckResourceVersion(ResourceType type, string name, JsonObject meta, JsonObject current)
    {
        var wanted = (string?)meta["resourceVersion"];
        if (!string.IsNullOrEmpty(wanted) && wanted != (string?)Metadata(current)["resourceVersion"])
        {
            throw ApiError.Conflict(type, name,
                "the object has been modified; please apply your changes to the latest version and try again");
        }
    }

    private string NameFor(ResourceType type, JsonObject meta)
    {
        if ((string?)meta["name"] is { Length: > 0 } name) return name;
        if ((string?)meta["generateName"] is { Length: > 0 } prefix)
        {
            var generated = prefix + Guid.NewGuid().ToString("N")[..5];
            meta["name"] = generated;
            return generated;
        }

        throw ApiError.Invalid(type, "", [("metadata.name", "name or generateName is required")]);
    }

    private static JsonObject Metadata(JsonObject obj) =>
        obj["metadata"] as JsonObject ?? (JsonObject)(obj["metadata"] = new JsonObject());

    /// <summary>metadata.generation, however the number is held (clients send JSON, the store writes longs).</summary>
    private static long Generation(JsonObject obj) =>
        Metadata(obj)["generation"] is JsonValue value && long.TryParse(value.ToJsonString(), out var generation) ? generation : 0;

    private static bool IsDeleting(JsonObject obj) => Metadata(obj)["deletionTimestamp"] is not null;

    private static int Finalizers(JsonObject obj) => (Metadata(obj)["finalizers"] as JsonArray)?.Count ?? 0;

    private static string Key(string? ns, string name) => $"{ns}/{name}";

    private string Now() => _clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ");

    private SortedDictionary<string, StoredSnapshot> Bucket(ResourceType type)
    {
        if (!_objects.TryGetValue(type.GroupResource, out var bucket))
        {
            bucket = new SortedDictionary<string, StoredSnapshot>(StringComparer.Ordinal);
            _objects[type.GroupResource] = bucket;
        }

        return bucket;
    }

    private IEnumerable<StoredSnapshot> Select(ResourceType type, string? ns) =>
        ns is null ? Bucket(type).Values : Bucket(type).Where(p => p.Key.StartsWith(ns + "/", StringComparison.Ordinal)).Select(p => p.Value);

    /// <summary>Under the lock: the snapshots a list returns, filtered on the stored nodes.</summary>
    private List<StoredSnapshot> Pick(ResourceType type, string? ns, Func<JsonObject, bool>? where) =>
        Select(type, ns).Where(o => where is null || where(o.Node)).ToList();

    /// <summary>Outside the lock: each caller's private copies.</summary>
    private static List<JsonObject> Copies(List<StoredSnapshot> picked) => picked.ConvertAll(o => o.Copy());
}
