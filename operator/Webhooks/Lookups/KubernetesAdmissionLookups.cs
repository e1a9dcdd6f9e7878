using System.Net;
using System.Text.Json.Serialization;
using k8s;
using k8s.Autorest;
using k8s.Models;
using LlmOperator.Operator.Entities;
using Polly;

namespace LlmOperator.Operator.Webhooks.Lookups;

/// <summary><see cref="IAdmissionLookups"/> on KubernetesClient, every call through the resilience pipeline.</summary>
public sealed class KubernetesAdmissionLookups(IKubernetes kubernetes, ResiliencePipeline pipeline) : IAdmissionLookups
{
    public async Task<V1ConfigMap?> GetConfigMapAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await pipeline.ExecuteAsync(
                async ct => await kubernetes.CoreV1.ReadNamespacedConfigMapAsync(name, @namespace, cancellationToken: ct).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<V1Alpha1ModelDeployment>> ListModelDeploymentsAsync(string @namespace, CancellationToken cancellationToken)
    {
        var list = await pipeline.ExecuteAsync(
            async ct => await kubernetes.CustomObjects.ListNamespacedCustomObjectAsync<ModelDeploymentItems>(
                V1Alpha1ModelDeployment.Group, V1Alpha1ModelDeployment.Version, @namespace, V1Alpha1ModelDeployment.Plural,
                cancellationToken: ct).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
        return list.Items;
    }

    /// <summary>The list body: only its items matter here.</summary>
    private sealed class ModelDeploymentItems
    {
        [JsonPropertyName("items")]
        public List<V1Alpha1ModelDeployment> Items { get; set; } = [];
    }
}
