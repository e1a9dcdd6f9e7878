using k8s.Models;

namespace LlmOperator.LocalCluster.Kubelet.Pods;

/// <summary>What a container's supervisor needs from its pod's worker.</summary>
internal interface IPodContext
{
    /// <summary>Guards every <see cref="ContainerRecord"/> of the pod.</summary>
    object Gate { get; }

    V1Pod Pod { get; }

    PodSandbox Sandbox { get; }

    KubeletServices Services { get; }

    /// <summary>Something in the records changed: the pod's status is due for a write.</summary>
    void StatusChanged();

    /// <summary>An Event about the pod, or about one of its containers when <paramref name="container"/> is set.</summary>
    void Record(string type, string reason, string message, string? container = null);
}
