using k8s.Models;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Reconciliation.DesiredState;

namespace LlmOperator.Operator.Tests.Reconciliation;

/// <summary>
/// Engine pods pass the Pod Security Standards' restricted profile in every shape the operator renders: GPUs come
/// through the device plugin's resource, which needs no privilege, host path or capability.
/// </summary>
public sealed class EnginePodSecurityTests
{
    public static TheoryData<string> Shapes() => ["plain", "vllm", "pvc-weights", "configmap-config", "api-key"];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Build_Should_PassTheRestrictedProfile_When_AnyShape(string shape)
    {
        var spec = EngineDeploymentBuilder.Build(Resource(shape)).Spec.Template.Spec;

        Assert.Empty(RestrictedPodSecurity.Violations(spec));
    }

    [Fact]
    public void Violations_Should_NameFieldAndFix_When_ContainerMayEscalate()
    {
        var spec = EngineDeploymentBuilder.Build(Resource("plain")).Spec.Template.Spec;
        spec.Containers[0].SecurityContext.AllowPrivilegeEscalation = null;
        spec.Volumes.Add(new V1Volume { Name = "host", HostPath = new V1HostPathVolumeSource { Path = "/dev" } });

        Assert.Equal(
        [
            "restricted volume types (volume \"host\" must be one of configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret)",
            "allowPrivilegeEscalation != false (container \"engine\" must set securityContext.allowPrivilegeEscalation=false)",
        ], RestrictedPodSecurity.Violations(spec));
    }

    private static V1Alpha1ModelDeployment Resource(string shape)
    {
        var spec = new ModelDeploymentSpec
        {
            Model = new ModelSpec { Name = "meta-llama/Llama-4-Scout-17B-16E-Instruct" },
            Engine = new EngineSpec { TensorParallelSize = 4, MaxModelLen = 4096 },
        };
        switch (shape)
        {
            case "vllm": spec.Engine.Runtime = EngineRuntimeName.Vllm; spec.Engine.RuntimeVersion = "0.8.4"; break;
            case "pvc-weights": spec.Model.Weights = new WeightsSource { Pvc = new PvcWeights { ClaimName = "models", Path = "/scout" } }; break;
            case "configmap-config": spec.Model.Config = new ModelConfigSource { ConfigMapKeyRef = new ConfigMapKeyReference { Name = "scout-config" } }; break;
            case "api-key": spec.Engine.ApiKeySecretRef = new SecretKeyReference { Name = "engine-key" }; break;
        }
        return new V1Alpha1ModelDeployment { Metadata = new V1ObjectMeta { Name = "scout", NamespaceProperty = "ml", Uid = "uid-1" }, Spec = spec };
    }
}
