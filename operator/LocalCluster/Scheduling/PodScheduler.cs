using System.Text.Json.Nodes;
using k8s.Models;
using LlmOperator.LocalCluster.Kubelet;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Scheduling;

/// <summary>
/// The local kube-scheduler: binds each pod without <c>spec.nodeName</c> to a node with room for its GPUs
/// (<see cref="NodeFit"/>), or leaves it Pending with <c>PodScheduled=False</c>, reason <c>Unschedulable</c> and
/// kube-scheduler's message, plus a FailedScheduling Event. Unschedulable pods are retried whenever a pod or node
/// changes (a pod ending frees GPUs), as the scheduler's queue moves them back on cluster events.
/// </summary>
public sealed class PodScheduler(ObjectStore store) : IClusterComponent
{
    public const string SchedulerName = "default-scheduler";

    private readonly SchedulerCache _cache = new();
    private readonly EventRecorder _events = new(store, SchedulerName);
    private readonly SemaphoreSlim _dirty = new(0, 1);
    private readonly Dictionary<string, string> _lastFailure = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private Task _loops = Task.CompletedTask;
    // kube-scheduler waits for its informers' caches to sync: a pass before the nodes are listed would call every pod
    // unschedulable on "0/0 nodes" and report it, then report again once the nodes arrive.
    private volatile bool _podsSynced, _nodesSynced;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var ct = _stop.Token;
        _loops = Task.WhenAll(
            Task.Run(() => StoreWatchLoop.RunAsync(store, BuiltInTypes.Pods, Changed(pods => { _cache.ResetPods(pods); _podsSynced = true; }),
                Changed<WatchEvent>(_cache.Apply), SchedulerName, ct), ct),
            Task.Run(() => StoreWatchLoop.RunAsync(store, BuiltInTypes.Nodes, Changed(nodes => { _cache.ResetNodes(nodes); _nodesSynced = true; }),
                Changed<WatchEvent>(_cache.ApplyNode), SchedulerName, ct), ct),
            Task.Run(() => ScheduleLoopAsync(ct), ct));
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loops;
        }
        catch (OperationCanceledException)
        {
            // Stopping is what we asked for.
        }

        _stop.Dispose();
    }

    private Action<IReadOnlyList<JsonObject>> Changed(Action<IReadOnlyList<JsonObject>> apply) => items => { apply(items); Signal(); };

    private Action<T> Changed<T>(Action<T> apply) => item => { apply(item); Signal(); };

    private void Signal()
    {
        try
        {
            _dirty.Release();
        }
        catch (SemaphoreFullException)
        {
            // A pass is already due; it will see this change too.
        }
    }

    private async Task ScheduleLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await _dirty.WaitAsync(ct);
            if (!_podsSynced || !_nodesSynced) continue; // the other list's arrival signals again
            var pending = _cache.Pending();
            foreach (var pod in pending)
            {
                SchedulePod(pod);
            }

            // Forget the messages of pods that are gone or bound, so the next failure of a new pod is reported.
            var waiting = pending.Select(p => p.Uid).ToHashSet();
            foreach (var uid in _lastFailure.Keys.Where(uid => !waiting.Contains(uid)).ToList()) _lastFailure.Remove(uid);
        }
    }

    private void SchedulePod(PendingPod pod)
    {
        var result = NodeFit.Choose(pod.Demand, _cache.Nodes());
        try
        {
            if (result.Node is { } node) Bind(pod, node);
            else MarkUnschedulable(pod, result.Message!);
        }
        catch (ApiError e) when (e.Code is 409 or 404)
        {
            // Changed or deleted meanwhile; the watch brings the new state and another pass.
            Signal();
        }
    }

    private void Bind(PendingPod pod, string node)
    {
        var current = store.Get(BuiltInTypes.Pods, pod.Namespace, pod.Name);
        if (current is null || StoreWatchLoop.Uid(current) != pod.Uid || current["spec"]?["nodeName"] is not null) return;
        // One write, as kube-apiserver's pods/binding: nobody sees a bound pod without PodScheduled=True.
        current["spec"]!["nodeName"] = node;
        PodConditions.Set(StoreMutation.Child(current, "status"), "PodScheduled", true, null, null, DateTime.UtcNow);
        var bound = store.Update(BuiltInTypes.Pods, current, ObjectStore.UpdateScope.MainAndStatus);
        _cache.Apply(new WatchEvent(WatchEventType.Modified, bound, 0));
        _lastFailure.Remove(pod.Uid);
        _events.Record(bound, EventRecorder.Normal, "Scheduled", $"Successfully assigned {pod.Namespace}/{pod.Name} to {node}");
    }

    private void MarkUnschedulable(PendingPod pod, string message)
    {
        if (_lastFailure.TryGetValue(pod.Uid, out var last) && last == message) return;
        _lastFailure[pod.Uid] = message;
        var updated = StoreMutation.Mutate(store, BuiltInTypes.Pods, pod.Namespace, pod.Name, ObjectStore.UpdateScope.Status, p =>
        {
            var status = StoreMutation.Child(p, "status");
            var changed = (string?)status["phase"] != "Pending";
            status["phase"] = "Pending";
            return PodConditions.Set(status, "PodScheduled", false, "Unschedulable", message, DateTime.UtcNow) || changed;
        });
        if (updated is not null) _events.Record(updated, EventRecorder.Warning, "FailedScheduling", message);
    }
}
