using k8s;
using k8s.Models;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Reconciliation.DesiredState;
using LlmOperator.Operator.Runtime;

namespace LlmOperator.Operator.Tests.Runtime;

public sealed class ReconcileKeysTests
{
    private static V1Alpha1ModelDeployment Md(string name, string? configMap) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "ml" },
        Spec = new ModelDeploymentSpec
        {
            Model = new ModelSpec
            {
                Name = "acme/model",
                Config = configMap is null ? null : new ModelConfigSource { ConfigMapKeyRef = new ConfigMapKeyReference { Name = configMap } },
            },
        },
    };

    [Fact]
    public void ForConfigMap_Should_NameEveryReader_When_ConfigMapChanges()
    {
        var keys = new ReconcileKeys();
        keys.ForModelDeployment(WatchEventType.Added, Md("a", "cfg"));
        keys.ForModelDeployment(WatchEventType.Added, Md("b", "cfg"));
        keys.ForModelDeployment(WatchEventType.Added, Md("c", "other"));
        keys.ForModelDeployment(WatchEventType.Deleted, Md("b", "cfg"));

        var configMap = new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cfg", NamespaceProperty = "ml" } };

        Assert.Equal(["ml/a"], keys.ForConfigMap(configMap));
    }

    [Fact]
    public void ForOwned_Should_FindResource_When_PodCarriesInstanceLabel()
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta
            {
                Name = "tiny-abc-0", NamespaceProperty = "ml",
                Labels = new Dictionary<string, string> { [EngineLabels.ManagedBy] = EngineLabels.Manager, [EngineLabels.Instance] = "tiny" },
            },
        };
        var stranger = new V1Pod { Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "ml", Labels = new Dictionary<string, string> { [EngineLabels.Instance] = "web" } } };

        Assert.Equal("ml/tiny", ReconcileKeys.ForOwned(pod));
        Assert.Null(ReconcileKeys.ForOwned(stranger));
        Assert.Equal(("ml", "tiny"), ReconcileKeys.Parse("ml/tiny"));
    }

    [Fact]
    public void ForOwned_Should_FollowControllerReference_When_DeploymentIsOwned()
    {
        var deployment = new V1Deployment
        {
            Metadata = new V1ObjectMeta
            {
                Name = "tiny", NamespaceProperty = "ml",
                OwnerReferences = [new V1OwnerReference { Kind = V1Alpha1ModelDeployment.EntityKind, Name = "tiny", Controller = true, ApiVersion = V1Alpha1ModelDeployment.GroupVersion, Uid = "u" }],
            },
        };

        Assert.Equal("ml/tiny", ReconcileKeys.ForOwned(deployment));
    }
}
