using LlmOperator.LocalCluster.Controllers.Deployments;
using LlmOperator.LocalCluster.Controllers.Endpoints;
using LlmOperator.LocalCluster.Controllers.GarbageCollection;
using LlmOperator.LocalCluster.Controllers.Namespaces;
using LlmOperator.LocalCluster.Controllers.ReplicaSets;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Controllers;

/// <summary>
/// kube-controller-manager for the local cluster: the Deployment, ReplicaSet, endpoints, garbage
/// collector and namespace controllers, each watching the store in-process with its own queue.
/// </summary>
public sealed class ControllerManager(ObjectStore store, ResourceRegistry registry, ControllerOptions? options = null) : IClusterComponent
{
    private readonly IReadOnlyList<IClusterComponent> _controllers =
    [
        new DeploymentController(store, options),
        new ReplicaSetController(store, options),
        new EndpointsController(store, options),
        new GarbageCollector(store, registry, options),
        new NamespaceController(store, registry, options),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var controller in _controllers) await controller.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var controller in _controllers) await controller.DisposeAsync().ConfigureAwait(false);
    }
}
