using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using LlmOperator.Operator.Kubernetes;
using Polly;

namespace LlmOperator.Operator.Reconciliation.Converge;

/// <summary>What converging one object did.</summary>
public enum ConvergeAction
{
    None,
    Created,
    Updated,
}

/// <summary>
/// Create-or-update of an object the operator owns, writing only what differs (a converged object costs one read
/// and no write). Hand edits of fields the operator sets are put back; fields it does not set are left alone. A
/// conflict (someone wrote in between, or created it first) reads again and re-applies.
/// </summary>
public sealed class ObjectConverger(IClusterClient client, ResiliencePipeline conflicts)
{
    public async Task<(T Object, ConvergeAction Action)> ConvergeAsync<T>(T desired, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var desiredJson = ToJson(desired);
        desiredJson.Remove("status");
        return await conflicts.ExecuteAsync(async ct =>
        {
            var existing = await client.GetAsync<T>(desired.Namespace(), desired.Name(), ct).ConfigureAwait(false);
            if (existing is null) return (await client.CreateAsync(desired, ct).ConfigureAwait(false), ConvergeAction.Created);
            var existingJson = ToJson(existing);
            if (JsonSubset.Contains(existingJson, desiredJson)) return (existing, ConvergeAction.None);
            var merged = KubernetesJson.Deserialize<T>(JsonSubset.Overlay(existingJson, desiredJson).ToJsonString());
            merged.Metadata.ResourceVersion = existing.Metadata.ResourceVersion;
            return (await client.ReplaceAsync(merged, ct).ConfigureAwait(false), ConvergeAction.Updated);
        }, cancellationToken).ConfigureAwait(false);
    }

    private static JsonObject ToJson<T>(T value) => JsonNode.Parse(KubernetesJson.Serialize(value))!.AsObject();
}
