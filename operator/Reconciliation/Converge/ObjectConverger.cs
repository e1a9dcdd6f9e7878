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
/// and no write; fields the API server defaulted do not count as differences). On a difference the desired spec
/// replaces the stored one whole — so hand edits are put back and fields the operator stopped setting go away —
/// while metadata is merged (other tools' labels and annotations stay) and the spec fields the server allocated
/// (<paramref name="preserved"/> in <see cref="ConvergeAsync{T}"/>, e.g. a Service's clusterIP) are carried over.
/// A conflict (someone wrote in between, or created it first) reads again and re-applies.
/// </summary>
public sealed class ObjectConverger(IClusterClient client, ResiliencePipeline conflicts)
{
    public async Task<(T Object, ConvergeAction Action)> ConvergeAsync<T>(T desired, CancellationToken cancellationToken,
        Action<JsonObject, JsonObject>? preserved = null)
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
            var mergedJson = (JsonObject)JsonSubset.Overlay(existingJson, desiredJson);
            if (desiredJson["spec"] is JsonObject spec)
            {
                mergedJson["spec"] = spec.DeepClone();
                if (existingJson["spec"] is JsonObject existingSpec) preserved?.Invoke(existingSpec, (JsonObject)mergedJson["spec"]!);
            }
            var merged = KubernetesJson.Deserialize<T>(mergedJson.ToJsonString());
            merged.Metadata.ResourceVersion = existing.Metadata.ResourceVersion;
            return (await client.ReplaceAsync(merged, ct).ConfigureAwait(false), ConvergeAction.Updated);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What the API server allocated for a Service and would refuse to see cleared or changed.</summary>
    public static void PreserveServiceAllocations(JsonObject existing, JsonObject desired)
    {
        foreach (var field in new[] { "clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy", "healthCheckNodePort" })
        {
            if (existing[field] is { } value && desired[field] is null) desired[field] = value.DeepClone();
        }
        if (existing["ports"] is not JsonArray oldPorts || desired["ports"] is not JsonArray newPorts) return;
        foreach (var port in newPorts.OfType<JsonObject>())
        {
            var old = oldPorts.OfType<JsonObject>().FirstOrDefault(p => p["port"]?.ToJsonString() == port["port"]?.ToJsonString());
            if (old?["nodePort"] is { } nodePort && port["nodePort"] is null) port["nodePort"] = nodePort.DeepClone();
        }
    }

    private static JsonObject ToJson<T>(T value) => JsonNode.Parse(KubernetesJson.Serialize(value))!.AsObject();
}
