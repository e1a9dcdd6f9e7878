using k8s.Models;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Webhooks.Lookups;

namespace LlmOperator.Operator.Tests.Webhooks.Support;

/// <summary>In-memory API reads; <see cref="Failure"/> makes every read throw it (an API server that is down).</summary>
internal sealed class FakeAdmissionLookups : IAdmissionLookups
{
    public List<V1ConfigMap> ConfigMaps { get; } = [];
    public List<V1Alpha1ModelDeployment> ModelDeployments { get; } = [];
    public Exception? Failure { get; set; }
    public int Reads { get; private set; }

    public Task<V1ConfigMap?> GetConfigMapAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        Reads++;
        if (Failure is not null) throw Failure;
        return Task.FromResult(ConfigMaps.FirstOrDefault(c => c.Namespace() == @namespace && c.Name() == name));
    }

    public Task<IReadOnlyList<V1Alpha1ModelDeployment>> ListModelDeploymentsAsync(string @namespace, CancellationToken cancellationToken)
    {
        Reads++;
        if (Failure is not null) throw Failure;
        return Task.FromResult<IReadOnlyList<V1Alpha1ModelDeployment>>(ModelDeployments.Where(m => m.Namespace() == @namespace).ToList());
    }
}
