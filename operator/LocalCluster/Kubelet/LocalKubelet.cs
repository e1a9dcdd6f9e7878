using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Kubelet.Containers;
using LlmOperator.LocalCluster.Kubelet.Pods;
using LlmOperator.LocalCluster.Scheduling;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Kubelet;

/// <summary>
/// The kubelet of the local cluster: registers the nodes (<see cref="LocalNodes"/>) and runs every pod bound to
/// one of them as local processes (<see cref="PodWorker"/>): host ports, probes, restarts with CrashLoopBackOff,
/// termination messages, logs. Deleting a pod stops its processes (SIGTERM, grace period, SIGKILL) before the pod
/// goes away; disposing the kubelet stops every process it started. See docs/local-cluster-kubelet.md.
/// </summary>
public sealed class LocalKubelet(ObjectStore store, KubeletOptions? options = null) : IClusterComponent, IPodLogSource
{
    private readonly KubeletOptions _options = options ?? new KubeletOptions();
    private readonly ConcurrentDictionary<string, PodWorker> _workers = new();
    private readonly Dictionary<string, Task> _stopping = new();
    private readonly CancellationTokenSource _stop = new();
    private HashSet<string> _nodes = new();
    private KubeletServices? _services;
    private Task _watch = Task.CompletedTask;
    private bool _ownsWorkRoot;

    /// <summary>The engine's variable naming the Hugging Face hub cache (huggingface_hub's, which vLLM and transformers read too).</summary>
    public const string HubCacheVariable = "HF_HUB_CACHE";

    /// <summary>The node's Hugging Face hub cache (<see cref="KubeletOptions.ModelCache"/>, resolved); set by <see cref="StartAsync"/>.</summary>
    public string? ModelCache { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the local kubelet runs pods as POSIX process groups: Linux or macOS only");
        _options.Nodes.Validate();
        _ownsWorkRoot = _options.WorkRoot is null;
        var workRoot = _options.WorkRoot ?? Directory.CreateTempSubdirectory("localcluster-kubelet-").FullName;
        ModelCache = Directory.CreateDirectory(_options.ModelCache ?? Path.Combine(workRoot, "model-cache")).FullName;
        var images = (_options.Images ?? ImageMap.Default())
            .WithEnvironment(ImageMap.EngineRepository, new Dictionary<string, string> { [HubCacheVariable] = ModelCache });
        _services = new KubeletServices(store, _options, images, workRoot);
        _nodes = LocalNodes.Register(store, _options.Nodes).Select(n => n.Metadata.Name).ToHashSet();
        _watch = Task.Run(() => StoreWatchLoop.RunAsync(store, BuiltInTypes.Pods, OnList, OnEvent, KubeletServices.Component, _stop.Token));
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watch;
        foreach (var worker in _workers.Values)
        {
            var grace = Min(GracePeriod(worker.Pod), _options.ShutdownGracePeriod);
            BeginStop(worker, grace, releaseFinalizer: true);
        }

        Task[] stopping;
        lock (_stopping) stopping = _stopping.Values.ToArray();
        await Task.WhenAll(stopping);
        if (_services is null) return;
        LocalNodes.MarkUnknown(store, _options.Nodes);
        _services.Dispose();
        if (_ownsWorkRoot) TryDelete(_services.WorkRoot);
    }

    public string? ReadLog(string ns, string pod, string container, bool previous, int? tailLines) =>
        Find(ns, pod)?.Log(container, previous)?.Text(tailLines);

    public IAsyncEnumerable<string> FollowLog(string ns, string pod, string container, CancellationToken cancellationToken) =>
        Find(ns, pod)?.Log(container, previous: false)?.Follow(cancellationToken) ?? AsyncEnumerable.Empty<string>();

    /// <summary>The host process id of a running container (its process group id too); null when none runs.</summary>
    public int? ProcessId(string ns, string pod, string container) => Find(ns, pod)?.ProcessId(container);

    private PodWorker? Find(string ns, string pod) =>
        _workers.Values.Where(w => w.Namespace == ns && w.Name == pod).OrderBy(Stopping).FirstOrDefault();

    private bool Stopping(PodWorker worker)
    {
        lock (_stopping) return _stopping.ContainsKey(worker.Uid);
    }

    private void OnList(IReadOnlyList<JsonObject> pods)
    {
        var present = pods.Select(StoreWatchLoop.Uid).ToHashSet();
        foreach (var pod in pods) Observe(pod);
        foreach (var gone in _workers.Values.Where(w => !present.Contains(w.Uid))) BeginStop(gone, TimeSpan.Zero, releaseFinalizer: false);
    }

    private void OnEvent(WatchEvent change)
    {
        if (change.Type != WatchEventType.Deleted)
        {
            Observe(change.Object);
        }
        else if (_workers.TryGetValue(StoreWatchLoop.Uid(change.Object) ?? "", out var worker))
        {
            // Removed without waiting for us (finalizer dropped by hand): stop at once.
            BeginStop(worker, TimeSpan.Zero, releaseFinalizer: false);
        }
    }

    private void Observe(JsonObject pod)
    {
        if ((string?)pod["spec"]?["nodeName"] is not { } node || !_nodes.Contains(node)) return;
        var uid = StoreWatchLoop.Uid(pod) ?? "";
        var deleting = StoreWatchLoop.IsDeleting(pod);
        if (_workers.TryGetValue(uid, out var worker))
        {
            if (deleting) BeginStop(worker, GracePeriod(worker.Pod, pod), releaseFinalizer: true);
            // A readiness-gate condition set by a controller changes Ready: recompute (a status that comes out the
            // same is not written, so this does not loop on the kubelet's own writes).
            else if (worker.Pod.Spec.ReadinessGates is { Count: > 0 }) worker.StatusChanged();
            return;
        }

        // A pod that ended before this kubelet saw it (or under a previous kubelet) is not run again.
        if (deleting || PodResources.IsTerminal((string?)pod["status"]?["phase"]) || _stop.IsCancellationRequested)
        {
            if (deleting) ReleaseStaleFinalizer(pod);
            return;
        }

        worker = new PodWorker(_services!, pod);
        if (_workers.TryAdd(uid, worker)) worker.Start();
    }

    /// <summary>Starts stopping a worker once; a second request while it stops is ignored.</summary>
    private void BeginStop(PodWorker worker, TimeSpan grace, bool releaseFinalizer)
    {
        lock (_stopping)
        {
            if (!_stopping.ContainsKey(worker.Uid)) _stopping[worker.Uid] = StopAsync(worker, grace, releaseFinalizer);
        }
    }

    private async Task StopAsync(PodWorker worker, TimeSpan grace, bool releaseFinalizer)
    {
        await Task.Yield(); // registered under the lock before any of this runs
        await worker.StopAsync(grace, releaseFinalizer);
        _workers.TryRemove(worker.Uid, out _);
        lock (_stopping) _stopping.Remove(worker.Uid);
    }

    /// <summary>A deleting pod holding our finalizer but run by no worker (a previous kubelet's): nothing to stop.</summary>
    private void ReleaseStaleFinalizer(JsonObject pod)
    {
        if ((pod["metadata"]?["finalizers"] as JsonArray)?.Any(f => (string?)f == KubeletServices.Finalizer) != true) return;
        StoreMutation.Mutate(store, BuiltInTypes.Pods, StoreWatchLoop.Namespace(pod), StoreWatchLoop.Name(pod)!, ObjectStore.UpdateScope.Main, p =>
        {
            var finalizers = p["metadata"]?["finalizers"] as JsonArray;
            var ours = finalizers?.FirstOrDefault(f => (string?)f == KubeletServices.Finalizer);
            return ours is not null && finalizers!.Remove(ours);
        });
    }

    /// <summary>
    /// The deletion's grace period: <c>metadata.deletionGracePeriodSeconds</c> when the API set one above zero, else the
    /// pod's <c>terminationGracePeriodSeconds</c> (default 30 s). (The in-memory store always writes 0 there.)
    /// </summary>
    private static TimeSpan GracePeriod(k8s.Models.V1Pod pod, JsonObject? stored = null)
    {
        var requested = StoreWatchLoop.Integer(stored?["metadata"]?["deletionGracePeriodSeconds"]);
        return TimeSpan.FromSeconds(requested is > 0 ? requested.Value : pod.Spec.TerminationGracePeriodSeconds ?? 30);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Temporary files; not worth failing a shutdown over.
        }
    }
}
