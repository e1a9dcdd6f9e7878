using k8s.Models;
using LlmOperator.Operator.Entities;

namespace LlmOperator.Operator.Webhooks.Lookups;

/// <summary>
/// The reads admission needs from the API server: the ConfigMap a ModelDeployment takes its config.json from, and
/// the ModelDeployments that refer to a ConfigMap being changed. The seam the handler tests fake.
/// </summary>
public interface IAdmissionLookups
{
    /// <summary>The ConfigMap, or null when it does not exist.</summary>
    Task<V1ConfigMap?> GetConfigMapAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>Every ModelDeployment of a namespace.</summary>
    Task<IReadOnlyList<V1Alpha1ModelDeployment>> ListModelDeploymentsAsync(string @namespace, CancellationToken cancellationToken);
}
