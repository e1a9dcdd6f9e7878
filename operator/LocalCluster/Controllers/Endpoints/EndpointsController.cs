using System.Text.Json.Nodes;
using k8s.Models;
using LlmOperator.LocalCluster.Controllers.Objects;
using LlmOperator.LocalCluster.Controllers.Runtime;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Controllers.Endpoints;

/// <summary>
/// The endpoints controller of kube-controller-manager (pkg/controller/endpoint): each Service with
/// a selector gets an Endpoints object of the same name listing its pods by readiness (see
/// <see cref="EndpointSubsets"/> for the host-port seam with the kubelet). Services without a selector
/// are left alone: their Endpoints are written by hand. Deleting the Service deletes its Endpoints.
/// </summary>
public sealed class EndpointsController : IClusterComponent, IReconciler<ObjectKey>
{
    public const string Component = "endpoint-controller";

    private readonly ObjectStore _store;
    private readonly ControllerLoop<ObjectKey> _loop;

    public EndpointsController(ObjectStore store, ControllerOptions? options = null)
    {
        _store = store;
        _loop = new ControllerLoop<ObjectKey>(Component, store, this, options ?? new ControllerOptions());
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop.Start(cancellationToken);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => _loop.DisposeAsync();

    IEnumerable<ObjectKey> IReconciler<ObjectKey>.AllKeys() =>
        _store.List(BuiltInTypes.Services, null).Items.Select(s => new ObjectKey(s.Namespace(), s.Name()));

    IEnumerable<ObjectKey> IReconciler<ObjectKey>.KeysFor(WatchEvent change)
    {
        var obj = change.Object;
        return (obj.ApiVersion(), obj.Kind()) switch
        {
            ("v1", "Service") => [new ObjectKey(obj.Namespace(), obj.Name())],
            // A hand edit of a managed Endpoints object is put back.
            ("v1", "Endpoints") when HasSelector(_store.Get(BuiltInTypes.Services, obj.Namespace(), obj.Name())) => [new ObjectKey(obj.Namespace(), obj.Name())],
            // A pod counts for the services selecting it now or before the change (labels can change).
            ("v1", "Pod") => ServicesSelecting(obj.Namespace(), new[] { obj, change.Previous }.OfType<JsonObject>().Select(p => p.Labels()).ToList()),
            _ => [],
        };
    }

    Task<ReconcileResult> IReconciler<ObjectKey>.ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var serviceRaw = _store.Get(BuiltInTypes.Services, key.Namespace, key.Name);
        if (serviceRaw is null)
        {
            DeleteEndpoints(key);
            return Task.FromResult(ReconcileResult.Done);
        }

        if (!HasSelector(serviceRaw)) return Task.FromResult(ReconcileResult.Done);
        var service = TypedObjectStore.FromJson<V1Service>(serviceRaw);
        // Selected in the store, before copying: only the service's pods are copied and deserialised.
        var pods = _store.List(BuiltInTypes.Pods, key.Namespace, p => LabelSelectors.Matches(service.Spec.Selector, p.Labels())).Items
            .Select(TypedObjectStore.FromJson<V1Pod>);
        var subsets = EndpointSubsets.Build(service, pods);
        Write(key, serviceRaw, subsets.Count == 0 ? null : TypedObjectStore.ToJson(new V1Endpoints { Subsets = subsets })["subsets"]);
        return Task.FromResult(ReconcileResult.Done);
    }

    private void Write(ObjectKey key, JsonObject service, JsonNode? subsets)
    {
        var labels = service.Meta()["labels"]?.DeepClone() as JsonObject ?? new JsonObject();
        if ((string?)service["spec"]?["clusterIP"] == "None") labels["service.kubernetes.io/headless"] = "";
        var current = _store.Get(BuiltInTypes.Endpoints, key.Namespace, key.Name);
        if (current is null)
        {
            var created = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Endpoints",
                ["metadata"] = new JsonObject { ["name"] = key.Name, ["namespace"] = key.Namespace, ["labels"] = labels.Count == 0 ? null : labels },
            };
            if (subsets is not null) created["subsets"] = subsets.DeepClone();
            _store.Create(BuiltInTypes.Endpoints, created);
            return;
        }

        var wantedLabels = labels.Count == 0 ? null : labels;
        if (JsonNode.DeepEquals(current["subsets"], subsets) && JsonNode.DeepEquals(current.Meta()["labels"], wantedLabels)) return;
        current.Remove("subsets");
        if (subsets is not null) current["subsets"] = subsets.DeepClone();
        current.Meta().Remove("labels");
        if (wantedLabels is not null) current.Meta()["labels"] = wantedLabels;
        _store.Update(BuiltInTypes.Endpoints, current);
    }

    private void DeleteEndpoints(ObjectKey key)
    {
        try
        {
            _store.Delete(BuiltInTypes.Endpoints, key.Namespace, key.Name);
        }
        catch (ApiError e) when (e.Code == 404)
        {
            // Nothing to clean up.
        }
    }

    private IEnumerable<ObjectKey> ServicesSelecting(string? ns, List<IReadOnlyDictionary<string, string>> labelSets) =>
        _store.List(BuiltInTypes.Services, ns, s => HasSelector(s) &&
                labelSets.Any(labels => LabelSelectors.Matches(ObjectJson.StringMap(s["spec"]?["selector"]).ToDictionary(), labels)))
            .Items
            .Select(s => new ObjectKey(s.Namespace(), s.Name()));

    private static bool HasSelector(JsonObject? service) => service?["spec"]?["selector"] is JsonObject { Count: > 0 };
}
