using k8s;
using k8s.Models;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Reconciliation.DesiredState;

namespace LlmOperator.Operator.Runtime;

/// <summary>
/// Which ModelDeployment an event is about (the queue's key is <c>namespace/name</c>): the resource itself; a
/// Deployment or pod of ours through its instance label (pods are owned by ReplicaSets, so labels, not owner
/// references, lead back); a ConfigMap through every resource whose spec.model.config.configMapKeyRef names it.
/// </summary>
public sealed class ReconcileKeys
{
    /// <summary>Selects the Deployments and pods the operator made.</summary>
    public const string OwnedSelector = EngineLabels.ManagedBy + "=" + EngineLabels.Manager;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _configMapOf = new(StringComparer.Ordinal);

    public static string For(string @namespace, string name) => $"{@namespace}/{name}";

    public static (string Namespace, string Name) Parse(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return (key[..slash], key[(slash + 1)..]);
    }

    /// <summary>The key of a ModelDeployment; remembers which ConfigMap it reads (forgets it on delete).</summary>
    public string ForModelDeployment(WatchEventType type, V1Alpha1ModelDeployment resource)
    {
        var key = For(resource.Metadata.NamespaceProperty, resource.Metadata.Name);
        lock (_gate)
        {
            if (type != WatchEventType.Deleted && resource.Spec?.Model?.Config?.ConfigMapKeyRef is { } reference)
                _configMapOf[key] = For(resource.Metadata.NamespaceProperty, reference.Name);
            else
                _configMapOf.Remove(key);
        }
        return key;
    }

    /// <summary>The owning resource of a Deployment or pod the operator made; null for others.</summary>
    public static string? ForOwned(IKubernetesObject<V1ObjectMeta> owned)
    {
        var owner = owned.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true && o.Kind == V1Alpha1ModelDeployment.EntityKind);
        if (owner is not null) return For(owned.Metadata.NamespaceProperty, owner.Name);
        return owned.Metadata.Labels is { } labels
               && labels.TryGetValue(EngineLabels.ManagedBy, out var manager) && manager == EngineLabels.Manager
               && labels.TryGetValue(EngineLabels.Instance, out var instance)
            ? For(owned.Metadata.NamespaceProperty, instance)
            : null;
    }

    /// <summary>Every resource that reads its model's config.json from this ConfigMap.</summary>
    public IReadOnlyList<string> ForConfigMap(V1ConfigMap configMap)
    {
        var name = For(configMap.Metadata.NamespaceProperty, configMap.Metadata.Name);
        lock (_gate)
        {
            return _configMapOf.Where(p => p.Value == name).Select(p => p.Key).ToList();
        }
    }
}
