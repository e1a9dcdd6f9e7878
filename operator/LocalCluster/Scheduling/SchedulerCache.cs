using System.Text.Json.Nodes;
using k8s.Models;
using LlmOperator.LocalCluster.Kubelet;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Scheduling;

/// <summary>A pod waiting for a node.</summary>
internal sealed record PendingPod(string Namespace, string Name, string Uid, PodDemand Demand);

/// <summary>
/// The scheduler's view of pods and nodes, kept from watches (kube-scheduler's cache): each pod's GPU demand is
/// parsed once per uid (a pod's resources do not change), so events cost a dictionary update, not a re-list.
/// Thread-safe: the watch loops write, the scheduling loop reads.
/// </summary>
internal sealed class SchedulerCache
{
    private readonly object _gate = new();
    private readonly Dictionary<string, PodEntry> _pods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeSnapshot> _nodes = new(StringComparer.Ordinal);
    private long _sequence;

    public void ResetPods(IReadOnlyList<JsonObject> pods)
    {
        lock (_gate)
        {
            var seen = pods.Select(StoreWatchLoop.Uid).ToHashSet();
            foreach (var gone in _pods.Keys.Where(uid => !seen.Contains(uid)).ToList()) _pods.Remove(gone);
            foreach (var pod in pods) Upsert(pod);
        }
    }

    public void Apply(WatchEvent change)
    {
        lock (_gate)
        {
            if (change.Type == WatchEventType.Deleted) _pods.Remove(StoreWatchLoop.Uid(change.Object) ?? "");
            else Upsert(change.Object);
        }
    }

    public void ResetNodes(IReadOnlyList<JsonObject> nodes)
    {
        lock (_gate)
        {
            _nodes.Clear();
            foreach (var node in nodes) ApplyNode(new WatchEvent(WatchEventType.Added, node, 0));
        }
    }

    public void ApplyNode(WatchEvent change)
    {
        lock (_gate)
        {
            var name = StoreWatchLoop.Name(change.Object) ?? "";
            if (change.Type == WatchEventType.Deleted)
            {
                _nodes.Remove(name);
                return;
            }

            var node = TypedObjectStore.FromJson<V1Node>(change.Object);
            var allocatable = node.Status?.Allocatable;
            _nodes[name] = new NodeSnapshot(
                name,
                allocatable?.TryGetValue(LocalNodeOptions.GpuResource, out var gpus) == true ? gpus.ToInt64() : 0,
                allocatable?.TryGetValue("pods", out var pods) == true ? pods.ToInt64() : 110,
                node.Spec?.Unschedulable == true,
                node.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true,
                node.Metadata.Labels?.ToDictionary() ?? new Dictionary<string, string>(),
                UsedGpus: 0,
                PodCount: 0);
        }
    }

    /// <summary>The nodes with what their non-terminal pods (terminating ones included) take.</summary>
    public IReadOnlyList<NodeSnapshot> Nodes()
    {
        lock (_gate)
        {
            var assigned = _pods.Values.Where(p => p.NodeName is not null && !PodResources.IsTerminal(p.Phase)).ToList();
            return _nodes.Values.Select(n => n with
            {
                UsedGpus = assigned.Where(p => p.NodeName == n.Name).Sum(p => p.Demand.Gpus),
                PodCount = assigned.Count(p => p.NodeName == n.Name),
            }).ToList();
        }
    }

    /// <summary>Pods for this scheduler without a node, oldest first (the scheduling queue's FIFO order).</summary>
    public IReadOnlyList<PendingPod> Pending()
    {
        lock (_gate)
        {
            return _pods.Values
                .Where(p => p.NodeName is null && !p.Deleting && !PodResources.IsTerminal(p.Phase) && p.OwnScheduler)
                .OrderBy(p => p.Sequence)
                .Select(p => new PendingPod(p.Namespace, p.Name, p.Uid, p.Demand))
                .ToList();
        }
    }

    private void Upsert(JsonObject pod)
    {
        var uid = StoreWatchLoop.Uid(pod) ?? "";
        var nodeName = (string?)pod["spec"]?["nodeName"];
        var phase = (string?)pod["status"]?["phase"];
        if (_pods.TryGetValue(uid, out var known))
        {
            _pods[uid] = known with { NodeName = nodeName, Phase = phase, Deleting = StoreWatchLoop.IsDeleting(pod) };
            return;
        }

        var spec = TypedObjectStore.FromJson<V1Pod>(pod).Spec ?? new V1PodSpec();
        var tolerates = spec.Tolerations?.Any(t => t.Key == "node.kubernetes.io/unschedulable" || (t.Key is null && t.OperatorProperty == "Exists")) == true;
        _pods[uid] = new PodEntry(
            StoreWatchLoop.Namespace(pod) ?? "", StoreWatchLoop.Name(pod) ?? "", uid, nodeName, phase, StoreWatchLoop.IsDeleting(pod),
            new PodDemand(PodResources.Gpus(spec), spec.NodeSelector?.ToDictionary(), tolerates),
            spec.SchedulerName is null or PodScheduler.SchedulerName,
            ++_sequence);
    }

    private sealed record PodEntry(
        string Namespace, string Name, string Uid, string? NodeName, string? Phase, bool Deleting, PodDemand Demand, bool OwnScheduler, long Sequence);
}
