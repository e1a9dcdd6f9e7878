using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using LlmOperator.Operator.Kubernetes;

namespace LlmOperator.Operator.Tests.Fakes;

/// <summary>
/// An in-memory API server behind <see cref="IClusterClient"/>: objects stored as JSON (so callers never share
/// references with the store), resourceVersions with optimistic concurrency (a stale PUT is 409), generation bumped
/// on spec changes, status kept apart from the main resource, label selectors, and pod logs. Every write the
/// operator makes is recorded in <see cref="Writes"/>; test setup goes through <see cref="Put{T}"/> and
/// <see cref="Mutate{T}"/>, which are not recorded (they stand for users and other controllers).
/// </summary>
public sealed class FakeClusterClient : IClusterClient
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(Type Type, string Namespace, string Name), JsonObject> _objects = new();
    private long _resourceVersion;

    public List<string> Writes { get; } = [];

    /// <summary>Logs by (namespace, pod, container, previous).</summary>
    public Dictionary<(string, string, string, bool), string> Logs { get; } = new();

    /// <summary>A hook before each write ("replace Deployment ns/name"): throw from it to inject a fault.</summary>
    public Action<string>? BeforeWrite { get; set; }

    public T Put<T>(T resource) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_gate)
        {
            var meta = resource.Metadata;
            meta.Uid ??= Guid.NewGuid().ToString();
            meta.Generation ??= 1;
            meta.CreationTimestamp ??= DateTime.UtcNow;
            meta.ResourceVersion = (++_resourceVersion).ToString();
            _objects[Key<T>(meta.NamespaceProperty, meta.Name)] = ToJson(resource);
            return Read<T>(meta.NamespaceProperty, meta.Name)!;
        }
    }

    /// <summary>Another actor's change (a user, the Deployment controller, the kubelet).</summary>
    public T Mutate<T>(string ns, string name, Action<T> change) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_gate)
        {
            var current = Read<T>(ns, name) ?? throw new InvalidOperationException($"{typeof(T).Name} {ns}/{name} does not exist");
            change(current);
            return Put(current);
        }
    }

    /// <summary>Another actor's delete (not recorded as the operator's write).</summary>
    public bool Remove<T>(string ns, string name) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_gate) return _objects.Remove(Key<T>(ns, name));
    }

    public T? Read<T>(string ns, string name) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_gate)
        {
            return _objects.TryGetValue(Key<T>(ns, name), out var json) ? KubernetesJson.Deserialize<T>(json.ToJsonString()) : null;
        }
    }

    public List<T> All<T>() where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_gate)
        {
            return _objects.Where(o => o.Key.Type == typeof(T)).Select(o => KubernetesJson.Deserialize<T>(o.Value.ToJsonString())).ToList();
        }
    }

    public Task<T?> GetAsync<T>(string @namespace, string name, CancellationToken cancellationToken) where T : class, IKubernetesObject<V1ObjectMeta> =>
        Task.FromResult(Read<T>(@namespace, name));

    public Task<IReadOnlyList<T>> ListAsync<T>(string? @namespace, string? labelSelector, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var wanted = (labelSelector ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(t => t.Split('=')).ToList();
        IReadOnlyList<T> items = All<T>().Where(o => (@namespace is null || o.Metadata.NamespaceProperty == @namespace)
            && wanted.All(w => o.Metadata.Labels?.TryGetValue(w[0], out var v) == true && v == w[1])).ToList();
        return Task.FromResult(items);
    }

    public Task<T> CreateAsync<T>(T resource, CancellationToken cancellationToken) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_gate)
        {
            Write("create", resource.Metadata.NamespaceProperty, resource.Metadata.Name, typeof(T));
            if (_objects.ContainsKey(Key<T>(resource.Metadata.NamespaceProperty, resource.Metadata.Name)))
                throw ApiErrors.Http(HttpStatusCode.Conflict, "AlreadyExists");
            resource.Metadata.Uid = null;
            resource.Metadata.Generation = 1;
            return Task.FromResult(Put(resource));
        }
    }

    public Task<T> ReplaceAsync<T>(T resource, CancellationToken cancellationToken) where T : class, IKubernetesObject<V1ObjectMeta> =>
        Task.FromResult(Update(resource, "replace", statusOnly: false));

    public Task<T> ReplaceStatusAsync<T>(T resource, CancellationToken cancellationToken) where T : class, IKubernetesObject<V1ObjectMeta> =>
        Task.FromResult(Update(resource, "replace-status", statusOnly: true));

    public Task<T?> PatchAsync<T>(string @namespace, string name, string mergePatchJson, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_gate)
        {
            Write("patch", @namespace, name, typeof(T));
            if (!_objects.TryGetValue(Key<T>(@namespace, name), out var stored)) return Task.FromResult<T?>(null);
            var patched = MergePatch(stored.DeepClone(), JsonNode.Parse(mergePatchJson)!)!.AsObject();
            var result = KubernetesJson.Deserialize<T>(patched.ToJsonString());
            result.Metadata.ResourceVersion = stored["metadata"]!["resourceVersion"]!.GetValue<string>();
            return Task.FromResult<T?>(Update(result, null, statusOnly: false));
        }
    }

    /// <summary>A strategic merge patch of the status: objects merged, <c>conditions</c> merged by type (their patchMergeKey).</summary>
    public Task<T?> PatchStatusAsync<T>(string @namespace, string name, string strategicMergePatchJson, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_gate)
        {
            Write("patch-status", @namespace, name, typeof(T));
            if (!_objects.TryGetValue(Key<T>(@namespace, name), out var stored)) return Task.FromResult<T?>(null);
            var patch = JsonNode.Parse(strategicMergePatchJson)!.AsObject();
            var status = stored["status"]?.DeepClone().AsObject() ?? new JsonObject();
            var conditions = status["conditions"] as JsonArray ?? new JsonArray();
            foreach (var condition in (patch["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == (string?)condition["type"]);
                if (existing is not null) conditions.Remove(existing);
                conditions.Add(condition.DeepClone());
            }
            status["conditions"] = conditions;
            var result = KubernetesJson.Deserialize<T>(stored.ToJsonString());
            var withStatus = ToJson(result);
            withStatus["status"] = status;
            return Task.FromResult<T?>(Update(KubernetesJson.Deserialize<T>(withStatus.ToJsonString()), null, statusOnly: true));
        }
    }

    public Task<bool> DeleteAsync<T>(string @namespace, string name, CancellationToken cancellationToken) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_gate)
        {
            Write("delete", @namespace, name, typeof(T));
            return Task.FromResult(_objects.Remove(Key<T>(@namespace, name)));
        }
    }

    public Task<string?> ReadLogAsync(string @namespace, string pod, string container, bool previous, int limitBytes, CancellationToken cancellationToken) =>
        Task.FromResult(Logs.TryGetValue((@namespace, pod, container, previous), out var log) ? log : null);

    /// <summary>PUT semantics: RV must match; the main resource keeps the stored status, the status endpoint changes only status.</summary>
    private T Update<T>(T resource, string? verb, bool statusOnly) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_gate)
        {
            var (ns, name) = (resource.Metadata.NamespaceProperty, resource.Metadata.Name);
            if (verb is not null) Write(verb, ns, name, typeof(T));
            if (!_objects.TryGetValue(Key<T>(ns, name), out var stored)) throw ApiErrors.Http(HttpStatusCode.NotFound);
            if (resource.Metadata.ResourceVersion is { } rv && rv != stored["metadata"]!["resourceVersion"]!.GetValue<string>())
                throw ApiErrors.Http(HttpStatusCode.Conflict, "the object has been modified");
            var incoming = ToJson(resource);
            var next = statusOnly ? stored.DeepClone().AsObject() : incoming;
            if (statusOnly) next["status"] = incoming["status"]?.DeepClone();
            else next["status"] = stored["status"]?.DeepClone();
            long generation = stored["metadata"]!["generation"]?.GetValue<long>() ?? 1;
            if (!statusOnly && !JsonNode.DeepEquals(stored["spec"], next["spec"])) generation++;
            next["metadata"]!["generation"] = generation;
            next["metadata"]!["uid"] = stored["metadata"]!["uid"]!.DeepClone();
            next["metadata"]!["resourceVersion"] = (++_resourceVersion).ToString();
            _objects[Key<T>(ns, name)] = next;
            return KubernetesJson.Deserialize<T>(next.ToJsonString());
        }
    }

    private void Write(string verb, string ns, string name, Type type)
    {
        var entry = $"{verb} {Kind(type)} {ns}/{name}";
        BeforeWrite?.Invoke(entry);
        Writes.Add(entry);
    }

    private static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject) return patch?.DeepClone();
        var result = target as JsonObject ?? new JsonObject();
        foreach (var (key, value) in patchObject)
        {
            if (value is null) result.Remove(key);
            else result[key] = MergePatch(result[key]?.DeepClone(), value);
        }
        return result;
    }

    private static string Kind(Type type) => type.Name switch
    {
        "V1Alpha1ModelDeployment" => "ModelDeployment",
        "Corev1Event" => "Event",
        var n => n[2..],
    };

    private static (Type, string, string) Key<T>(string ns, string name) => (typeof(T), ns ?? "", name);

    private static JsonObject ToJson<T>(T value) => JsonNode.Parse(KubernetesJson.Serialize(value))!.AsObject();
}
