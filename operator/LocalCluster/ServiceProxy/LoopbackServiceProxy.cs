using System.Text.Json.Nodes;
using k8s.Models;
using LlmOperator.LocalCluster.Kubelet;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.ServiceProxy;

/// <summary>
/// kube-proxy for the local cluster: every port of every Service (except headless and ExternalName ones) gets a
/// loopback listener that balances connections round-robin over the Service's ready endpoints
/// (<see cref="EndpointTable"/>). The listener's port is published on the Service as the annotation
/// <c>localcluster.llmoperator.dev/proxy-port-&lt;port&gt;</c> and through <see cref="Resolve"/>; an empty
/// <c>spec.clusterIP</c> is set to 127.0.0.1, where the listeners are.
/// </summary>
public sealed class LoopbackServiceProxy(ObjectStore store) : IClusterComponent
{
    public const string ProxyPortAnnotationPrefix = "localcluster.llmoperator.dev/proxy-port-";
    private const string Component = "service-proxy";

    private readonly object _gate = new();
    private readonly Dictionary<string, ServiceState> _services = new(StringComparer.Ordinal);
    private readonly Dictionary<string, V1Endpoints> _endpoints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _podRoutable = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private Task _loops = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var ct = _stop.Token;
        _loops = Task.WhenAll(
            Task.Run(() => StoreWatchLoop.RunAsync(store, BuiltInTypes.Pods, ResetPods, OnPod, Component, ct), ct),
            Task.Run(() => StoreWatchLoop.RunAsync(store, BuiltInTypes.Endpoints, ResetEndpoints, OnEndpoints, Component, ct), ct),
            Task.Run(() => StoreWatchLoop.RunAsync(store, BuiltInTypes.Services, ResetServices, OnService, Component, ct), ct));
        return Task.CompletedTask;
    }

    /// <summary>Where to connect for a Service port (webhook calls, tests, the operator's probe requests); null when not served.</summary>
    public Uri? Resolve(string ns, string service, int port, string scheme = "http")
    {
        lock (_gate)
        {
            return _services.TryGetValue(Key(ns, service), out var state) && state.Listeners.TryGetValue(port, out var listener)
                ? new Uri($"{scheme}://127.0.0.1:{listener.Port}/")
                : null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loops;
        List<ServicePortListener> listeners;
        lock (_gate)
        {
            listeners = _services.Values.SelectMany(s => s.Listeners.Values).ToList();
            _services.Clear();
        }

        foreach (var listener in listeners) await listener.DisposeAsync();
        _stop.Dispose();
    }

    private void ResetServices(IReadOnlyList<JsonObject> services)
    {
        var keys = services.Select(s => Key(StoreWatchLoop.Namespace(s), StoreWatchLoop.Name(s))).ToHashSet();
        List<string> gone;
        lock (_gate) gone = _services.Keys.Where(k => !keys.Contains(k)).ToList();
        foreach (var key in gone) RemoveService(key);
        foreach (var service in services) OnService(new WatchEvent(WatchEventType.Added, service, 0));
    }

    private void OnService(WatchEvent change)
    {
        var key = Key(StoreWatchLoop.Namespace(change.Object), StoreWatchLoop.Name(change.Object));
        var service = TypedObjectStore.FromJson<V1Service>(change.Object);
        if (change.Type == WatchEventType.Deleted || service.Spec?.ClusterIP == "None" || service.Spec?.Type == "ExternalName")
        {
            RemoveService(key);
            return;
        }

        var closed = new List<ServicePortListener>();
        lock (_gate)
        {
            if (!_services.TryGetValue(key, out var state)) _services[key] = state = new ServiceState();
            state.Service = service;
            var ports = (service.Spec?.Ports ?? []).Where(p => (p.Protocol ?? "TCP") == "TCP").ToList();
            foreach (var stale in state.Listeners.Keys.Where(p => ports.All(sp => sp.Port != p)).ToList())
            {
                closed.Add(state.Listeners[stale]);
                state.Listeners.Remove(stale);
            }

            foreach (var port in ports.Where(p => !state.Listeners.ContainsKey(p.Port)))
            {
                var previous = service.Metadata.Annotations?.TryGetValue(ProxyPortAnnotationPrefix + port.Port, out var text) == true && int.TryParse(text, out var p) ? p : 0;
                state.Listeners[port.Port] = new ServicePortListener(previous);
            }

            Refresh(key, state);
        }

        foreach (var listener in closed) _ = listener.DisposeAsync().AsTask();
        Publish(key);
    }

    private void RemoveService(string key)
    {
        ServiceState? state;
        lock (_gate)
        {
            if (!_services.Remove(key, out state)) return;
        }

        foreach (var listener in state.Listeners.Values) _ = listener.DisposeAsync().AsTask();
    }

    private void ResetEndpoints(IReadOnlyList<JsonObject> items)
    {
        lock (_gate) _endpoints.Clear();
        foreach (var endpoints in items) OnEndpoints(new WatchEvent(WatchEventType.Added, endpoints, 0));
    }

    private void OnEndpoints(WatchEvent change)
    {
        var key = Key(StoreWatchLoop.Namespace(change.Object), StoreWatchLoop.Name(change.Object));
        lock (_gate)
        {
            if (change.Type == WatchEventType.Deleted) _endpoints.Remove(key);
            else _endpoints[key] = TypedObjectStore.FromJson<V1Endpoints>(change.Object);
            if (_services.TryGetValue(key, out var state)) Refresh(key, state);
        }
    }

    private void ResetPods(IReadOnlyList<JsonObject> pods)
    {
        lock (_gate) _podRoutable.Clear();
        foreach (var pod in pods) OnPod(new WatchEvent(WatchEventType.Added, pod, 0));
    }

    /// <summary>A pod's readiness changes the backends of the Services whose Endpoints name it.</summary>
    private void OnPod(WatchEvent change)
    {
        var key = Key(StoreWatchLoop.Namespace(change.Object), StoreWatchLoop.Name(change.Object));
        var routable = change.Type != WatchEventType.Deleted && !StoreWatchLoop.IsDeleting(change.Object)
            && Scheduling.PodConditions.Status(change.Object, "Ready") == "True";
        lock (_gate)
        {
            if (_podRoutable.TryGetValue(key, out var was) && was == routable) return;
            if (change.Type == WatchEventType.Deleted) _podRoutable.Remove(key);
            else _podRoutable[key] = routable;
            foreach (var (serviceKey, state) in _services.Where(s => s.Value.Pods.Contains(key))) Refresh(serviceKey, state);
        }
    }

    /// <summary>
    /// The pod behind a backend as the store has it now: not deleted, not being deleted, Ready. Backends that
    /// name no pod (hand-written Endpoints) are not checked.
    /// </summary>
    private bool RoutableNow(Backend backend)
    {
        if (backend.PodName is null) return true;
        var pod = store.Get(BuiltInTypes.Pods, backend.PodNamespace, backend.PodName);
        return pod is not null && !StoreWatchLoop.IsDeleting(pod) && Scheduling.PodConditions.Status(pod, "Ready") == "True";
    }

    /// <summary>Recomputes a Service's backends. Called under the lock.</summary>
    private void Refresh(string key, ServiceState state)
    {
        _endpoints.TryGetValue(key, out var endpoints);
        state.Pods.Clear();
        // publishNotReadyAddresses: the Service asks for unready pods too, so the readiness guard stands aside.
        var publishNotReady = state.Service?.Spec?.PublishNotReadyAddresses == true;
        foreach (var port in state.Service?.Spec?.Ports ?? [])
        {
            if (!state.Listeners.TryGetValue(port.Port, out var listener)) continue;
            listener.Backends = EndpointTable.Backends(port, endpoints,
                (ns, pod) => !publishNotReady && _podRoutable.TryGetValue(Key(ns, pod), out var routable) ? routable : null);
            listener.Admits = publishNotReady ? null : RoutableNow;
            foreach (var backend in listener.Backends.Where(b => b.PodName is not null)) state.Pods.Add(Key(backend.PodNamespace, backend.PodName));
        }

        // Pods named by the Endpoints but left out as unready must trigger a refresh when they become ready.
        foreach (var address in endpoints?.Subsets?.SelectMany(s => s.Addresses ?? []) ?? [])
        {
            if (address.TargetRef is { Kind: "Pod" } target) state.Pods.Add(Key(target.NamespaceProperty ?? endpoints!.Metadata.NamespaceProperty, target.Name));
        }
    }

    /// <summary>Writes the listener ports onto the Service (annotations; clusterIP 127.0.0.1 when unset).</summary>
    private void Publish(string key)
    {
        Dictionary<int, int> ports;
        lock (_gate)
        {
            if (!_services.TryGetValue(key, out var state)) return;
            ports = state.Listeners.ToDictionary(l => l.Key, l => l.Value.Port);
        }

        var (ns, name) = (key[..key.IndexOf('/')], key[(key.IndexOf('/') + 1)..]);
        StoreMutation.Mutate(store, BuiltInTypes.Services, ns, name, ObjectStore.UpdateScope.Main, service =>
        {
            var annotations = StoreMutation.Child(StoreMutation.Child(service, "metadata"), "annotations");
            var spec = StoreMutation.Child(service, "spec");
            var changed = false;
            if (string.IsNullOrEmpty((string?)spec["clusterIP"]))
            {
                spec["clusterIP"] = "127.0.0.1";
                spec["clusterIPs"] = new JsonArray("127.0.0.1");
                changed = true;
            }

            foreach (var (servicePort, hostPort) in ports)
            {
                if ((string?)annotations[ProxyPortAnnotationPrefix + servicePort] == hostPort.ToString()) continue;
                annotations[ProxyPortAnnotationPrefix + servicePort] = hostPort.ToString();
                changed = true;
            }

            return changed;
        });
    }

    private static string Key(string? ns, string? name) => $"{ns}/{name}";

    private sealed class ServiceState
    {
        public V1Service? Service { get; set; }

        public Dictionary<int, ServicePortListener> Listeners { get; } = new();

        /// <summary>Pods named by the Service's Endpoints ("ns/name").</summary>
        public HashSet<string> Pods { get; } = new(StringComparer.Ordinal);
    }
}
