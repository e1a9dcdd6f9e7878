using System.Text.Json;
using k8s;
using k8s.Models;
using LlmOperator.Operator.Runtime;
using Polly;
using Md = LlmOperator.Operator.Entities.V1Alpha1ModelDeployment;

namespace LlmOperator.Operator.Kubernetes;

/// <summary>One kind's list and watch calls, for a <see cref="ResourceWatcher{T}"/>; the list runs through the pipeline.</summary>
internal sealed class WatchSource<T>(
    string name,
    ResiliencePipeline pipeline,
    Func<CancellationToken, Task<(IReadOnlyList<T>, string?)>> list,
    Func<string?, int, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch) : IWatchSource<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    public string Name => name;

    public async Task<(IReadOnlyList<T> Items, string? ResourceVersion)> ListAsync(CancellationToken cancellationToken) =>
        await pipeline.ExecuteAsync(async ct => await list(ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    // client-go's reflector asks for a random timeout between 5 and 10 minutes, so watches of many clients do not
    // all end at the same moment.
    public IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(string? resourceVersion, Action<Exception> onError,
        CancellationToken cancellationToken) =>
        watch(resourceVersion, Random.Shared.Next(300, 600), onError, cancellationToken);
}

/// <summary>The watch sources of the kinds the operator reacts to, all namespaces or one.</summary>
public static class WatchSources
{
    public static IWatchSource<Md> ModelDeployments(IKubernetes k, string? ns, ResiliencePipeline pipeline) =>
        new WatchSource<Md>("modeldeployments", pipeline,
            async ct =>
            {
                var list = ns is null
                    ? await k.CustomObjects.ListClusterCustomObjectAsync<ModelDeploymentList>(Md.Group, Md.Version, Md.Plural, cancellationToken: ct).ConfigureAwait(false)
                    : await k.CustomObjects.ListNamespacedCustomObjectAsync<ModelDeploymentList>(Md.Group, Md.Version, ns, Md.Plural, cancellationToken: ct).ConfigureAwait(false);
                return ([.. list.Items], list.Metadata?.ResourceVersion);
            },
            (rv, timeout, onError, ct) => Typed(ns is null
                ? k.CustomObjects.WatchListClusterCustomObjectAsync(Md.Group, Md.Version, Md.Plural, allowWatchBookmarks: true,
                    resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)
                : k.CustomObjects.WatchListNamespacedCustomObjectAsync(Md.Group, Md.Version, ns, Md.Plural, allowWatchBookmarks: true,
                    resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)));

    public static IWatchSource<V1Deployment> Deployments(IKubernetes k, string? ns, string selector, ResiliencePipeline pipeline) =>
        new WatchSource<V1Deployment>("deployments", pipeline,
            async ct =>
            {
                var list = ns is null
                    ? await k.AppsV1.ListDeploymentForAllNamespacesAsync(labelSelector: selector, cancellationToken: ct).ConfigureAwait(false)
                    : await k.AppsV1.ListNamespacedDeploymentAsync(ns, labelSelector: selector, cancellationToken: ct).ConfigureAwait(false);
                return ([.. list.Items], list.Metadata?.ResourceVersion);
            },
            (rv, timeout, onError, ct) => ns is null
                ? k.AppsV1.WatchListDeploymentForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: selector,
                    resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)
                : k.AppsV1.WatchListNamespacedDeploymentAsync(ns, allowWatchBookmarks: true, labelSelector: selector,
                    resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct));

    public static IWatchSource<V1Pod> Pods(IKubernetes k, string? ns, string selector, ResiliencePipeline pipeline) =>
        new WatchSource<V1Pod>("pods", pipeline,
            async ct =>
            {
                var list = ns is null
                    ? await k.CoreV1.ListPodForAllNamespacesAsync(labelSelector: selector, cancellationToken: ct).ConfigureAwait(false)
                    : await k.CoreV1.ListNamespacedPodAsync(ns, labelSelector: selector, cancellationToken: ct).ConfigureAwait(false);
                return ([.. list.Items], list.Metadata?.ResourceVersion);
            },
            (rv, timeout, onError, ct) => ns is null
                ? k.CoreV1.WatchListPodForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: selector,
                    resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)
                : k.CoreV1.WatchListNamespacedPodAsync(ns, allowWatchBookmarks: true, labelSelector: selector,
                    resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct));

    /// <summary>ConfigMaps holding a model's config.json are the user's, without our labels: all of them are watched.</summary>
    public static IWatchSource<V1ConfigMap> ConfigMaps(IKubernetes k, string? ns, ResiliencePipeline pipeline) =>
        new WatchSource<V1ConfigMap>("configmaps", pipeline,
            async ct =>
            {
                var list = ns is null
                    ? await k.CoreV1.ListConfigMapForAllNamespacesAsync(cancellationToken: ct).ConfigureAwait(false)
                    : await k.CoreV1.ListNamespacedConfigMapAsync(ns, cancellationToken: ct).ConfigureAwait(false);
                return ([.. list.Items], list.Metadata?.ResourceVersion);
            },
            (rv, timeout, onError, ct) => ns is null
                ? k.CoreV1.WatchListConfigMapForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv,
                    timeoutSeconds: timeout, onError: onError, cancellationToken: ct)
                : k.CoreV1.WatchListNamespacedConfigMapAsync(ns, allowWatchBookmarks: true, resourceVersion: rv,
                    timeoutSeconds: timeout, onError: onError, cancellationToken: ct));

    /// <summary>The custom-objects watch yields JSON elements; each becomes a typed ModelDeployment.</summary>
    private static async IAsyncEnumerable<(WatchEventType, Md)> Typed(IAsyncEnumerable<(WatchEventType, object)> events)
    {
        await foreach (var (type, item) in events.ConfigureAwait(false))
        {
            var json = item is JsonElement element ? element.GetRawText() : KubernetesJson.Serialize(item);
            yield return (type, KubernetesJson.Deserialize<Md>(json));
        }
    }
}
