using System.Diagnostics;
using System.Net;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using LlmOperator.Operator.Telemetry;
using Polly;

namespace LlmOperator.Operator.Kubernetes;

/// <summary>
/// <see cref="IClusterClient"/> on KubernetesClient's typed APIs. Every call runs through the resilience pipeline
/// (429, 5xx, timeouts, circuit breaker; 409 goes back to the caller's read-modify-write) inside a client span.
/// </summary>
public sealed class KubernetesClusterClient(IKubernetes kubernetes, ResiliencePipeline? pipeline = null) : IClusterClient
{
    private readonly IReadOnlyDictionary<Type, object> _apis = ResourceApis.For(kubernetes);
    private readonly ResiliencePipeline _pipeline = pipeline ?? ApiResilience.Create(retryConflicts: false);

    /// <summary>The client underneath, for the watchers and the leader-election lock.</summary>
    public IKubernetes Kubernetes { get; } = kubernetes;

    public async Task<T?> GetAsync<T>(string @namespace, string name, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var api = Api<T>();
        try
        {
            return await CallAsync("get", api.Kind, @namespace, name, ct => api.Get(@namespace, name, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<T>> ListAsync<T>(string? @namespace, string? labelSelector, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var api = Api<T>();
        var items = await CallAsync("list", api.Kind, @namespace, labelSelector, ct => api.List(@namespace, labelSelector, ct), cancellationToken)
            .ConfigureAwait(false);
        return items?.ToList() ?? [];
    }

    public Task<T> CreateAsync<T>(T resource, CancellationToken cancellationToken) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var api = Api<T>();
        return CallAsync("create", api.Kind, resource.Namespace(), resource.Name(), ct => api.Create(resource, ct), cancellationToken);
    }

    public Task<T> ReplaceAsync<T>(T resource, CancellationToken cancellationToken) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var api = Api<T>();
        return CallAsync("replace", api.Kind, resource.Namespace(), resource.Name(), ct => api.Replace(resource, ct), cancellationToken);
    }

    public Task<T> ReplaceStatusAsync<T>(T resource, CancellationToken cancellationToken) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var api = Api<T>();
        var replaceStatus = api.ReplaceStatus ?? throw new NotSupportedException($"{api.Kind} has no status subresource the operator writes.");
        return CallAsync("replace-status", api.Kind, resource.Namespace(), resource.Name(), ct => replaceStatus(resource, ct), cancellationToken);
    }

    public async Task<T?> PatchAsync<T>(string @namespace, string name, string mergePatchJson, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var api = Api<T>();
        var patch = new V1Patch(mergePatchJson, V1Patch.PatchType.MergePatch);
        try
        {
            return await CallAsync("patch", api.Kind, @namespace, name, ct => api.Patch(@namespace, name, patch, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<T?> PatchStatusAsync<T>(string @namespace, string name, string strategicMergePatchJson, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var api = Api<T>();
        var patchStatus = api.PatchStatus ?? throw new NotSupportedException($"The operator patches no {api.Kind} status.");
        var patch = new V1Patch(strategicMergePatchJson, V1Patch.PatchType.StrategicMergePatch);
        try
        {
            return await CallAsync("patch-status", api.Kind, @namespace, name, ct => patchStatus(@namespace, name, patch, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<bool> DeleteAsync<T>(string @namespace, string name, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var api = Api<T>();
        var options = new V1DeleteOptions { PropagationPolicy = "Background" };
        try
        {
            await CallAsync("delete", api.Kind, @namespace, name, async ct => { await api.Delete(@namespace, name, options, ct).ConfigureAwait(false); return true; },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public async Task<string?> ReadLogAsync(string @namespace, string pod, string container, bool previous, int limitBytes,
        CancellationToken cancellationToken)
    {
        try
        {
            return await CallAsync("log", "Pod", @namespace, pod, async ct =>
            {
                await using var stream = await Kubernetes.CoreV1.ReadNamespacedPodLogAsync(pod, @namespace, container,
                    limitBytes: limitBytes, previous: previous, cancellationToken: ct).ConfigureAwait(false);
                using var reader = new StreamReader(stream, Encoding.UTF8);
                return await reader.ReadToEndAsync(ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        // 400 is how the API server says "no previous container" (or the container has not started): no log to read.
        catch (HttpOperationException e) when (e.Response?.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest)
        {
            return null;
        }
    }

    private ResourceApi<T> Api<T>() => _apis.TryGetValue(typeof(T), out var api)
        ? (ResourceApi<T>)api
        : throw new NotSupportedException($"The operator has no API for {typeof(T).Name}.");

    private async Task<TResult> CallAsync<TResult>(string verb, string kind, string? @namespace, string? name,
        Func<CancellationToken, Task<TResult>> call, CancellationToken cancellationToken)
    {
        using var activity = OperatorTelemetry.ActivitySource.StartActivity($"{verb} {kind}", ActivityKind.Client);
        activity?.SetTag("k8s.namespace.name", @namespace);
        activity?.SetTag("k8s.object.name", name);
        try
        {
            return await _pipeline.ExecuteAsync(async ct => await call(ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, e.Message);
            if (e is HttpOperationException { Response: { } response }) activity.SetTag("http.response.status_code", (int)response.StatusCode);
            throw;
        }
    }
}
