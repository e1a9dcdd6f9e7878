using k8s;
using k8s.Models;
using Md = LlmOperator.Operator.Entities.V1Alpha1ModelDeployment;

namespace LlmOperator.Operator.Kubernetes;

/// <summary>The typed calls of one kind, so that <see cref="KubernetesClusterClient"/> stays generic.</summary>
internal sealed record ResourceApi<T>(
    string Kind,
    Func<string, string, CancellationToken, Task<T>> Get,
    Func<string?, string?, CancellationToken, Task<IList<T>>> List,
    Func<T, CancellationToken, Task<T>> Create,
    Func<T, CancellationToken, Task<T>> Replace,
    Func<T, CancellationToken, Task<T>>? ReplaceStatus,
    Func<string, string, V1Patch, CancellationToken, Task<T>> Patch,
    Func<string, string, V1DeleteOptions, CancellationToken, Task> Delete,
    Func<string, string, V1Patch, CancellationToken, Task<T>>? PatchStatus = null);

/// <summary>The calls of each kind the operator touches, on KubernetesClient's typed APIs.</summary>
internal static class ResourceApis
{
    public static IReadOnlyDictionary<Type, object> For(IKubernetes k) => new Dictionary<Type, object>
    {
        [typeof(Md)] = ModelDeployments(k),
        [typeof(V1Deployment)] = Deployments(k),
        [typeof(V1Service)] = Services(k),
        [typeof(V1ControllerRevision)] = ControllerRevisions(k),
        [typeof(V1Pod)] = Pods(k),
        [typeof(V1ConfigMap)] = ConfigMaps(k),
        [typeof(Corev1Event)] = Events(k),
        [typeof(V1Secret)] = Secrets(k),
    };

    /// <summary>The operator only reads Secrets (the engine's API key), by name; the other calls exist for the shape.</summary>
    private static ResourceApi<V1Secret> Secrets(IKubernetes k) => new(
        "Secret",
        (ns, n, ct) => k.CoreV1.ReadNamespacedSecretAsync(n, ns, cancellationToken: ct),
        async (ns, s, ct) => (ns is null
            ? await k.CoreV1.ListSecretForAllNamespacesAsync(labelSelector: s, cancellationToken: ct).ConfigureAwait(false)
            : await k.CoreV1.ListNamespacedSecretAsync(ns, labelSelector: s, cancellationToken: ct).ConfigureAwait(false)).Items,
        (o, ct) => k.CoreV1.CreateNamespacedSecretAsync(o, o.Namespace(), cancellationToken: ct),
        (o, ct) => k.CoreV1.ReplaceNamespacedSecretAsync(o, o.Name(), o.Namespace(), cancellationToken: ct),
        null,
        (ns, n, p, ct) => k.CoreV1.PatchNamespacedSecretAsync(p, n, ns, cancellationToken: ct),
        (ns, n, d, ct) => k.CoreV1.DeleteNamespacedSecretAsync(n, ns, d, cancellationToken: ct));

    private static ResourceApi<V1Deployment> Deployments(IKubernetes k) => new(
        "Deployment",
        (ns, n, ct) => k.AppsV1.ReadNamespacedDeploymentAsync(n, ns, cancellationToken: ct),
        async (ns, s, ct) => (ns is null
            ? await k.AppsV1.ListDeploymentForAllNamespacesAsync(labelSelector: s, cancellationToken: ct).ConfigureAwait(false)
            : await k.AppsV1.ListNamespacedDeploymentAsync(ns, labelSelector: s, cancellationToken: ct).ConfigureAwait(false)).Items,
        (o, ct) => k.AppsV1.CreateNamespacedDeploymentAsync(o, o.Namespace(), cancellationToken: ct),
        (o, ct) => k.AppsV1.ReplaceNamespacedDeploymentAsync(o, o.Name(), o.Namespace(), cancellationToken: ct),
        null,
        (ns, n, p, ct) => k.AppsV1.PatchNamespacedDeploymentAsync(p, n, ns, cancellationToken: ct),
        (ns, n, d, ct) => k.AppsV1.DeleteNamespacedDeploymentAsync(n, ns, d, cancellationToken: ct));

    private static ResourceApi<V1Service> Services(IKubernetes k) => new(
        "Service",
        (ns, n, ct) => k.CoreV1.ReadNamespacedServiceAsync(n, ns, cancellationToken: ct),
        async (ns, s, ct) => (ns is null
            ? await k.CoreV1.ListServiceForAllNamespacesAsync(labelSelector: s, cancellationToken: ct).ConfigureAwait(false)
            : await k.CoreV1.ListNamespacedServiceAsync(ns, labelSelector: s, cancellationToken: ct).ConfigureAwait(false)).Items,
        (o, ct) => k.CoreV1.CreateNamespacedServiceAsync(o, o.Namespace(), cancellationToken: ct),
        (o, ct) => k.CoreV1.ReplaceNamespacedServiceAsync(o, o.Name(), o.Namespace(), cancellationToken: ct),
        null,
        (ns, n, p, ct) => k.CoreV1.PatchNamespacedServiceAsync(p, n, ns, cancellationToken: ct),
        (ns, n, d, ct) => k.CoreV1.DeleteNamespacedServiceAsync(n, ns, d, cancellationToken: ct));

    private static ResourceApi<V1ControllerRevision> ControllerRevisions(IKubernetes k) => new(
        "ControllerRevision",
        (ns, n, ct) => k.AppsV1.ReadNamespacedControllerRevisionAsync(n, ns, cancellationToken: ct),
        async (ns, s, ct) => (ns is null
            ? await k.AppsV1.ListControllerRevisionForAllNamespacesAsync(labelSelector: s, cancellationToken: ct).ConfigureAwait(false)
            : await k.AppsV1.ListNamespacedControllerRevisionAsync(ns, labelSelector: s, cancellationToken: ct).ConfigureAwait(false)).Items,
        (o, ct) => k.AppsV1.CreateNamespacedControllerRevisionAsync(o, o.Namespace(), cancellationToken: ct),
        (o, ct) => k.AppsV1.ReplaceNamespacedControllerRevisionAsync(o, o.Name(), o.Namespace(), cancellationToken: ct),
        null,
        (ns, n, p, ct) => k.AppsV1.PatchNamespacedControllerRevisionAsync(p, n, ns, cancellationToken: ct),
        (ns, n, d, ct) => k.AppsV1.DeleteNamespacedControllerRevisionAsync(n, ns, d, cancellationToken: ct));

    private static ResourceApi<V1Pod> Pods(IKubernetes k) => new(
        "Pod",
        (ns, n, ct) => k.CoreV1.ReadNamespacedPodAsync(n, ns, cancellationToken: ct),
        async (ns, s, ct) => (ns is null
            ? await k.CoreV1.ListPodForAllNamespacesAsync(labelSelector: s, cancellationToken: ct).ConfigureAwait(false)
            : await k.CoreV1.ListNamespacedPodAsync(ns, labelSelector: s, cancellationToken: ct).ConfigureAwait(false)).Items,
        (o, ct) => k.CoreV1.CreateNamespacedPodAsync(o, o.Namespace(), cancellationToken: ct),
        (o, ct) => k.CoreV1.ReplaceNamespacedPodAsync(o, o.Name(), o.Namespace(), cancellationToken: ct),
        null,
        (ns, n, p, ct) => k.CoreV1.PatchNamespacedPodAsync(p, n, ns, cancellationToken: ct),
        (ns, n, d, ct) => k.CoreV1.DeleteNamespacedPodAsync(n, ns, d, cancellationToken: ct),
        (ns, n, p, ct) => k.CoreV1.PatchNamespacedPodStatusAsync(p, n, ns, cancellationToken: ct));

    private static ResourceApi<V1ConfigMap> ConfigMaps(IKubernetes k) => new(
        "ConfigMap",
        (ns, n, ct) => k.CoreV1.ReadNamespacedConfigMapAsync(n, ns, cancellationToken: ct),
        async (ns, s, ct) => (ns is null
            ? await k.CoreV1.ListConfigMapForAllNamespacesAsync(labelSelector: s, cancellationToken: ct).ConfigureAwait(false)
            : await k.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: s, cancellationToken: ct).ConfigureAwait(false)).Items,
        (o, ct) => k.CoreV1.CreateNamespacedConfigMapAsync(o, o.Namespace(), cancellationToken: ct),
        (o, ct) => k.CoreV1.ReplaceNamespacedConfigMapAsync(o, o.Name(), o.Namespace(), cancellationToken: ct),
        null,
        (ns, n, p, ct) => k.CoreV1.PatchNamespacedConfigMapAsync(p, n, ns, cancellationToken: ct),
        (ns, n, d, ct) => k.CoreV1.DeleteNamespacedConfigMapAsync(n, ns, d, cancellationToken: ct));

    private static ResourceApi<Corev1Event> Events(IKubernetes k) => new(
        "Event",
        (ns, n, ct) => k.CoreV1.ReadNamespacedEventAsync(n, ns, cancellationToken: ct),
        async (ns, s, ct) => (ns is null
            ? await k.CoreV1.ListEventForAllNamespacesAsync(labelSelector: s, cancellationToken: ct).ConfigureAwait(false)
            : await k.CoreV1.ListNamespacedEventAsync(ns, labelSelector: s, cancellationToken: ct).ConfigureAwait(false)).Items,
        (o, ct) => k.CoreV1.CreateNamespacedEventAsync(o, o.Namespace(), cancellationToken: ct),
        (o, ct) => k.CoreV1.ReplaceNamespacedEventAsync(o, o.Name(), o.Namespace(), cancellationToken: ct),
        null,
        (ns, n, p, ct) => k.CoreV1.PatchNamespacedEventAsync(p, n, ns, cancellationToken: ct),
        (ns, n, d, ct) => k.CoreV1.DeleteNamespacedEventAsync(n, ns, d, cancellationToken: ct));

    private static ResourceApi<Md> ModelDeployments(IKubernetes k)
    {
        const string g = Md.Group, v = Md.Version, p = Md.Plural;
        return new ResourceApi<Md>(Md.EntityKind,
            (ns, n, ct) => k.CustomObjects.GetNamespacedCustomObjectAsync<Md>(g, v, ns, p, n, ct),
            async (ns, s, ct) => (ns is null
                ? await k.CustomObjects.ListClusterCustomObjectAsync<ModelDeploymentList>(g, v, p, labelSelector: s, cancellationToken: ct).ConfigureAwait(false)
                : await k.CustomObjects.ListNamespacedCustomObjectAsync<ModelDeploymentList>(g, v, ns, p, labelSelector: s, cancellationToken: ct).ConfigureAwait(false)).Items,
            (o, ct) => k.CustomObjects.CreateNamespacedCustomObjectAsync<Md>(o, g, v, o.Namespace(), p, cancellationToken: ct),
            (o, ct) => k.CustomObjects.ReplaceNamespacedCustomObjectAsync<Md>(o, g, v, o.Namespace(), p, o.Name(), cancellationToken: ct),
            (o, ct) => k.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync<Md>(o, g, v, o.Namespace(), p, o.Name(), cancellationToken: ct),
            (ns, n, patch, ct) => k.CustomObjects.PatchNamespacedCustomObjectAsync<Md>(patch, g, v, ns, p, n, cancellationToken: ct),
            (ns, n, d, ct) => k.CustomObjects.DeleteNamespacedCustomObjectAsync<object>(g, v, ns, p, n, d, cancellationToken: ct));
    }
}
