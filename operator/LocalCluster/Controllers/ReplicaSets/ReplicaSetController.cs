using System.Text.Json.Nodes;
using k8s.Models;
using LlmOperator.LocalCluster.Controllers.Events;
using LlmOperator.LocalCluster.Controllers.Objects;
using LlmOperator.LocalCluster.Controllers.Runtime;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Controllers.ReplicaSets;

/// <summary>
/// The ReplicaSet controller of kube-controller-manager (pkg/controller/replicaset): keeps
/// spec.replicas active pods, named <c>&lt;replicaset&gt;-&lt;5 random characters&gt;</c>, from the
/// template, and reports how many are ready and available. Pods that finished (Succeeded/Failed)
/// or are being deleted no longer count and are replaced.
/// </summary>
public sealed class ReplicaSetController : IClusterComponent, IReconciler<ObjectKey>
{
    public const string Component = "replicaset-controller";

    /// <summary>Most pods created or deleted in one pass (kube-controller-manager's burstReplicas).</summary>
    private const int BurstReplicas = 500;

    private readonly ObjectStore _store;
    private readonly ControllerOptions _options;
    private readonly EventRecorder _events;
    private readonly ControllerLoop<ObjectKey> _loop;

    public ReplicaSetController(ObjectStore store, ControllerOptions? options = null)
    {
        _store = store;
        _options = options ?? new ControllerOptions();
        _events = new EventRecorder(store, Component, _options);
        _loop = new ControllerLoop<ObjectKey>(Component, store, this, _options);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop.Start(cancellationToken);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => _loop.DisposeAsync();

    IEnumerable<ObjectKey> IReconciler<ObjectKey>.AllKeys() =>
        _store.List(BuiltInTypes.ReplicaSets, null).Items.Select(rs => new ObjectKey(rs.Namespace(), rs.Name()));

    IEnumerable<ObjectKey> IReconciler<ObjectKey>.KeysFor(WatchEvent change) => (change.Object.ApiVersion(), change.Object.Kind()) switch
    {
        ("apps/v1", "ReplicaSet") => [new ObjectKey(change.Object.Namespace(), change.Object.Name())],
        ("v1", "Pod") => new[] { change.Object, change.Previous }.OfType<JsonObject>().SelectMany(SetsOfPod).Distinct(),
        _ => [],
    };

    Task<ReconcileResult> IReconciler<ObjectKey>.ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var raw = _store.Get(BuiltInTypes.ReplicaSets, key.Namespace, key.Name);
        if (raw is null) return Task.FromResult(ReconcileResult.Done);
        var rs = new StoredObject<V1ReplicaSet>(raw);
        if (LabelSelectors.IsEmpty(rs.Typed.Spec?.Selector))
        {
            _events.Warning(raw, "InvalidSelector", "spec.selector: Required value: a non-empty selector is required; no pods are managed");
            return Task.FromResult(ReconcileResult.Done);
        }

        // Only pods this set controls or nobody controls, and only active ones, are claimed (as
        // FilterActivePods); checked on the JSON so other sets' pods are never deserialised.
        // The filter runs in the store, before copying: a sync copies its own pods, not the namespace's.
        var uid = raw.Uid();
        var active = _store.List(BuiltInTypes.Pods, key.Namespace, p =>
                (p.ControllerRef() is not { } owner || (string?)owner["uid"] == uid) &&
                !p.IsDeleting() && (string?)p["status"]?["phase"] is not ("Succeeded" or "Failed"))
            .Items;
        var pods = ControllerRefs.Claim(_store, BuiltInTypes.Pods, raw, p => LabelSelectors.Matches(rs.Typed.Spec!.Selector, p.Labels()), active)
            .Select(TypedObjectStore.FromJson<V1Pod>)
            .ToList();
        if (!raw.IsDeleting()) pods = ManageReplicas(rs, pods);
        var now = _options.Clock.GetUtcNow();
        WriteStatus(rs, pods, now);
        return Task.FromResult(RequeueForAvailability(rs, pods, now));
    }

    /// <summary>Creates or deletes pods to reach spec.replicas; returns the pods that remain.</summary>
    private List<V1Pod> ManageReplicas(StoredObject<V1ReplicaSet> rs, List<V1Pod> pods)
    {
        var diff = pods.Count - (rs.Typed.Spec?.Replicas ?? 1);
        if (diff < 0)
        {
            for (var i = 0; i < Math.Min(-diff, BurstReplicas); i++) pods.Add(CreatePod(rs));
            return pods;
        }

        foreach (var pod in PodDeletionOrder.Pick(pods, Math.Min(diff, BurstReplicas)).ToList())
        {
            try
            {
                _store.Delete(BuiltInTypes.Pods, pod.Metadata.NamespaceProperty, pod.Metadata.Name, uid: pod.Metadata.Uid);
                _events.Normal(rs.Raw, "SuccessfulDelete", $"Deleted pod: {pod.Metadata.Name}");
            }
            catch (ApiError e) when (e.Code == 404)
            {
                // Already gone: the goal is met.
            }

            pods.Remove(pod);
        }

        return pods;
    }

    private V1Pod CreatePod(StoredObject<V1ReplicaSet> rs)
    {
        var prefix = PodFactory.Prefix(rs.Name);
        for (var attempt = 0; ; attempt++)
        {
            var name = PodFactory.RandomName(prefix);
            try
            {
                var created = _store.Create(BuiltInTypes.Pods, PodFactory.FromTemplate(rs.Raw, name));
                _events.Normal(rs.Raw, "SuccessfulCreate", $"Created pod: {name}");
                return TypedObjectStore.FromJson<V1Pod>(created);
            }
            catch (ApiError e) when (e.Reason == "AlreadyExists" && attempt < 8)
            {
                // The random suffix collided with a live pod: draw another.
            }
            catch (ApiError e)
            {
                _events.Warning(rs.Raw, "FailedCreate", $"Error creating: {e.Message}");
                throw;
            }
        }
    }

    private void WriteStatus(StoredObject<V1ReplicaSet> rs, List<V1Pod> pods, DateTimeOffset now)
    {
        var minReady = rs.Typed.Spec?.MinReadySeconds ?? 0;
        var templateLabels = ObjectJson.StringMap(rs.Raw["spec"]?["template"]?["metadata"]?["labels"]);
        var fullyLabeled = pods.Count(p => templateLabels.All(l => p.Metadata.Labels?.TryGetValue(l.Key, out var v) == true && v == l.Value));
        var status = new JsonObject { ["replicas"] = pods.Count };
        AddCount(status, "fullyLabeledReplicas", fullyLabeled);
        AddCount(status, "readyReplicas", pods.Count(PodConditions.IsReady));
        AddCount(status, "availableReplicas", pods.Count(p => PodConditions.IsAvailable(p, minReady, now)));
        if (rs.Raw.Meta()["generation"] is { } generation) status["observedGeneration"] = generation.DeepClone();
        if (rs.Raw["status"]?["conditions"] is { } conditions) status["conditions"] = conditions.DeepClone();
        if (JsonNode.DeepEquals(status, rs.Raw["status"])) return;
        var edit = rs.Edit();
        edit["status"] = status;
        rs.Reset(_store.Update(BuiltInTypes.ReplicaSets, edit, ObjectStore.UpdateScope.Status));
    }

    /// <summary>Ready pods become available minReadySeconds later without any event: look again then.</summary>
    private static ReconcileResult RequeueForAvailability(StoredObject<V1ReplicaSet> rs, List<V1Pod> pods, DateTimeOffset now)
    {
        var minReady = rs.Typed.Spec?.MinReadySeconds ?? 0;
        var next = pods.Select(p => PodConditions.AvailableAt(p, minReady, now)).OfType<DateTimeOffset>().DefaultIfEmpty().Min();
        // Availability is strictly after the instant; a little past it is enough.
        return next == default ? ReconcileResult.Done : ReconcileResult.After(next - now + TimeSpan.FromMilliseconds(10));
    }

    private static void AddCount(JsonObject status, string field, int count)
    {
        if (count != 0) status[field] = count;
    }

    private IEnumerable<ObjectKey> SetsOfPod(JsonObject pod)
    {
        if (pod.ControllerRef() is { } owner)
        {
            return (string?)owner["kind"] == "ReplicaSet" ? [new ObjectKey(pod.Namespace(), (string?)owner["name"] ?? "")] : [];
        }

        // An orphan: every ReplicaSet whose selector takes it may adopt it.
        return _store.List<V1ReplicaSet>(BuiltInTypes.ReplicaSets, pod.Namespace())
            .Where(rs => !LabelSelectors.IsEmpty(rs.Spec?.Selector) && LabelSelectors.Matches(rs.Spec!.Selector, pod.Labels()))
            .Select(rs => new ObjectKey(rs.Metadata.NamespaceProperty, rs.Metadata.Name));
    }
}
