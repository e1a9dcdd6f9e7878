using System.Text.Json.Nodes;
using k8s.Models;
using LlmOperator.LocalCluster.Controllers.Events;
using LlmOperator.LocalCluster.Controllers.Objects;
using LlmOperator.LocalCluster.Controllers.Runtime;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Controllers.Deployments;

/// <summary>
/// The Deployment controller of kube-controller-manager (pkg/controller/deployment): each Deployment
/// gets one ReplicaSet per pod template, named <c>&lt;deployment&gt;-&lt;pod-template-hash&gt;</c>, and
/// is rolled from the old sets to the new one by its strategy (RollingUpdate with maxSurge /
/// maxUnavailable, or Recreate), with revisions, progress deadline, status conditions, pausing and
/// revision history clean-up. The per-Deployment steps live in <see cref="DeploymentSync"/>.
/// </summary>
public sealed class DeploymentController : IClusterComponent, IReconciler<ObjectKey>
{
    public const string Component = "deployment-controller";

    private readonly ObjectStore _store;
    private readonly ControllerOptions _options;
    private readonly EventRecorder _events;
    private readonly ControllerLoop<ObjectKey> _loop;

    public DeploymentController(ObjectStore store, ControllerOptions? options = null)
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
        _store.List(BuiltInTypes.Deployments, null).Items.Select(d => new ObjectKey(d.Namespace(), d.Name()));

    IEnumerable<ObjectKey> IReconciler<ObjectKey>.KeysFor(WatchEvent change)
    {
        var obj = change.Object;
        return (obj.ApiVersion(), obj.Kind()) switch
        {
            ("apps/v1", "Deployment") => [new ObjectKey(obj.Namespace(), obj.Name())],
            ("apps/v1", "ReplicaSet") => DeploymentsOf(obj, change.Previous),
            // Only Recreate waits on pods (all old pods gone before the new set starts); their
            // ending is what it waits for.
            ("v1", "Pod") when change.Type == WatchEventType.Deleted || IsNewlyTerminal(change) => DeploymentsOfPod(obj),
            _ => [],
        };
    }

    Task<ReconcileResult> IReconciler<ObjectKey>.ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var raw = _store.Get(BuiltInTypes.Deployments, key.Namespace, key.Name);
        if (raw is null) return Task.FromResult(ReconcileResult.Done);
        var deployment = new StoredObject<V1Deployment>(raw);
        var findings = DeploymentValidation.Validate(deployment.Typed);
        if (findings.Count > 0)
        {
            var text = string.Join("; ", findings.Select(f => $"{f.Field}: {f.Message}"));
            _events.Warning(raw, "InvalidDeploymentSpec", $"The deployment is not rolled out until its spec is fixed: {text}");
            return Task.FromResult(ReconcileResult.Done);
        }

        var sets = ClaimReplicaSets(deployment);
        var sync = new DeploymentSync(_store, _events, _options.Clock, deployment, sets);
        return Task.FromResult(sync.Run());
    }

    private List<StoredObject<V1ReplicaSet>> ClaimReplicaSets(StoredObject<V1Deployment> deployment)
    {
        // Claim skips sets another owner controls, so they are left out in the store, before copying.
        var uid = deployment.Raw.Uid();
        var candidates = _store.List(BuiltInTypes.ReplicaSets, deployment.Raw.Namespace(),
            rs => rs.ControllerRef() is not { } owner || (string?)owner["uid"] == uid).Items;
        var selector = deployment.Typed.Spec.Selector;
        return ControllerRefs.Claim(_store, BuiltInTypes.ReplicaSets, deployment.Raw, rs => LabelSelectors.Matches(selector, rs.Labels()), candidates)
            .Select(rs => new StoredObject<V1ReplicaSet>(rs))
            .ToList();
    }

    private IEnumerable<ObjectKey> DeploymentsOf(JsonObject rs, JsonObject? previous)
    {
        var keys = new List<ObjectKey>();
        foreach (var version in new[] { rs, previous }.OfType<JsonObject>())
        {
            if (version.ControllerRef() is { } owner)
            {
                if ((string?)owner["kind"] == "Deployment") keys.Add(new ObjectKey(version.Namespace(), (string?)owner["name"] ?? ""));
                continue;
            }

            // An orphan: every Deployment whose selector takes it may adopt it.
            keys.AddRange(_store.List<V1Deployment>(BuiltInTypes.Deployments, version.Namespace())
                .Where(d => LabelSelectors.Matches(d.Spec?.Selector, version.Labels()))
                .Select(d => new ObjectKey(d.Metadata.NamespaceProperty, d.Metadata.Name)));
        }

        return keys.Distinct();
    }

    private IEnumerable<ObjectKey> DeploymentsOfPod(JsonObject pod)
    {
        if (pod.ControllerRef() is not { } owner || (string?)owner["kind"] != "ReplicaSet") return [];
        var rs = _store.Get(BuiltInTypes.ReplicaSets, pod.Namespace(), (string?)owner["name"] ?? "");
        return rs?.ControllerRef() is { } deployment && (string?)deployment["kind"] == "Deployment"
            ? [new ObjectKey(rs.Namespace(), (string?)deployment["name"] ?? "")]
            : [];
    }

    private static bool IsNewlyTerminal(WatchEvent change) =>
        (string?)change.Object["status"]?["phase"] is "Failed" or "Succeeded" &&
        (string?)change.Previous?["status"]?["phase"] is not ("Failed" or "Succeeded");
}
