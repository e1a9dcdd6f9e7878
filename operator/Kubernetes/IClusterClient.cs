using k8s;
using k8s.Models;

namespace LlmOperator.Operator.Kubernetes;

/// <summary>
/// The one seam between the operator and the API server, for the kinds it touches: ModelDeployment, Deployment,
/// Service, ControllerRevision, Pod, ConfigMap, Event and Secret (read only: the engine API key). Reads return null on 404 (the object is gone, which a
/// level-based reconciler treats as a state, not an error); writes throw the client's HttpOperationException, so a
/// 409 reaches the caller's conflict retry, which re-reads and re-applies. Reconciler tests fake this interface.
/// </summary>
public interface IClusterClient
{
    /// <summary>The object, or null when it does not exist.</summary>
    Task<T?> GetAsync<T>(string @namespace, string name, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>Objects of a namespace (all namespaces when null) matching a label selector (all when null).</summary>
    Task<IReadOnlyList<T>> ListAsync<T>(string? @namespace, string? labelSelector, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    Task<T> CreateAsync<T>(T resource, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>PUT with the object's resourceVersion: a stale one answers 409 Conflict.</summary>
    Task<T> ReplaceAsync<T>(T resource, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>PUT of the status subresource (ModelDeployment only): nothing outside .status changes.</summary>
    Task<T> ReplaceStatusAsync<T>(T resource, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>A JSON merge patch (RFC 7386); null when the object does not exist.</summary>
    Task<T?> PatchAsync<T>(string @namespace, string name, string mergePatchJson, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>
    /// A strategic merge patch of the status subresource (Pod only: the readiness-gate condition, merged into
    /// <c>status.conditions</c> by type so that the kubelet's conditions stay); null when the object does not exist.
    /// </summary>
    Task<T?> PatchStatusAsync<T>(string @namespace, string name, string strategicMergePatchJson, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>Deletes with background propagation; false when it was already gone.</summary>
    Task<bool> DeleteAsync<T>(string @namespace, string name, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>
    /// The log of a container: the previous instance's when <paramref name="previous"/> (a restarted container), the
    /// current one's otherwise; at most <paramref name="limitBytes"/>. Null when the pod or the log is gone.
    /// </summary>
    Task<string?> ReadLogAsync(string @namespace, string pod, string container, bool previous, int limitBytes,
        CancellationToken cancellationToken);
}
