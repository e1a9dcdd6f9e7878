using k8s.Models;
using LlmOperator.Operator.Entities;

namespace LlmOperator.Operator.Reconciliation.DesiredState;

/// <summary>The controller owner reference every object made for a ModelDeployment carries (garbage collection).</summary>
public static class OwnerReference
{
    public static V1OwnerReference To(V1Alpha1ModelDeployment resource) => new()
    {
        ApiVersion = V1Alpha1ModelDeployment.GroupVersion,
        Kind = V1Alpha1ModelDeployment.EntityKind,
        Name = resource.Metadata.Name,
        Uid = resource.Metadata.Uid,
        Controller = true,
        BlockOwnerDeletion = true,
    };
}
