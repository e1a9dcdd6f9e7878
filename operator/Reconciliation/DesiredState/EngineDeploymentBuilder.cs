using k8s;
using k8s.Models;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Reconciliation.Probing;

namespace LlmOperator.Operator.Reconciliation.DesiredState;

/// <summary>
/// The Deployment a ModelDeployment asks for, as a pure function of the resource: engine pods with GPUs = TP,
/// /dev/shm, probes on the engine's endpoints, FallbackToLogsOnError, a restricted security context, the
/// recommended labels and an owner reference. Its pod template's hash is the revision.
/// </summary>
public static class EngineDeploymentBuilder
{
    public static V1Deployment Build(V1Alpha1ModelDeployment resource)
    {
        var template = PodTemplate(resource);
        var revision = RevisionHash.Of(template);
        template.Metadata.Labels[EngineLabels.Revision] = revision;
        return WithTemplate(resource, template);
    }

    /// <summary>The Deployment running an earlier revision's template (a rollback), otherwise as <see cref="Build"/>.</summary>
    public static V1Deployment WithTemplate(V1Alpha1ModelDeployment resource, V1PodTemplateSpec template)
    {
        var rollout = resource.Spec.Rollout;
        var deployment = new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta
            {
                Name = resource.Metadata.Name,
                NamespaceProperty = resource.Metadata.NamespaceProperty,
                Labels = new Dictionary<string, string>(template.Metadata.Labels.Where(l => l.Key != EngineLabels.Revision)),
            },
            Spec = new V1DeploymentSpec
            {
                Replicas = resource.Spec.Replicas,
                Selector = new V1LabelSelector { MatchLabels = EngineLabels.Selector(resource.Metadata.Name) },
                Template = template,
                MinReadySeconds = rollout.MinReadySeconds,
                ProgressDeadlineSeconds = rollout.ProgressDeadlineSeconds,
                RevisionHistoryLimit = rollout.RevisionHistoryLimit,
                Strategy = new V1DeploymentStrategy
                {
                    Type = "RollingUpdate",
                    // The CRD defaults these; repeated here so a resource read before defaulting still never surges GPUs.
                    RollingUpdate = new V1RollingUpdateDeployment
                    {
                        MaxSurge = rollout.MaxSurge ?? (IntOrString)0,
                        MaxUnavailable = rollout.MaxUnavailable ?? (IntOrString)1,
                    },
                },
            },
        };
        deployment.AddOwnerReference(OwnerReference.To(resource));
        return deployment;
    }

    private static V1PodTemplateSpec PodTemplate(V1Alpha1ModelDeployment resource)
    {
        var spec = resource.Spec;
        var image = EngineCommand.ImageFor(spec.Engine);
        var mount = ModelMount.For(spec.Model);
        var (command, args) = EngineCommand.For(spec, mount.ModelArgument, spec.Model.Name);
        var gpus = new ResourceQuantity(spec.Engine.TensorParallelSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var container = new V1Container
        {
            Name = "engine",
            Image = image,
            Command = command,
            Args = args,
            Ports = [new V1ContainerPort { Name = "http", ContainerPort = EngineCommand.ContainerPort, Protocol = "TCP" }],
            Resources = new V1ResourceRequirements
            {
                Limits = new Dictionary<string, ResourceQuantity> { [spec.Resources.Gpu.ResourceName] = gpus },
                Requests = new Dictionary<string, ResourceQuantity> { [spec.Resources.Gpu.ResourceName] = gpus },
            },
            Env = ApiKeyEnvironment(spec.Engine.ApiKeySecretRef),
            VolumeMounts = [new V1VolumeMount { Name = "dshm", MountPath = "/dev/shm" }, .. mount.Mounts],
            StartupProbe = Probe(spec.Engine.Runtime, 5, 360),
            ReadinessProbe = Probe(spec.Engine.Runtime, 5, 3),
            LivenessProbe = Probe(spec.Engine.Runtime, 10, 3, path: "/health"),
            TerminationMessagePath = "/dev/termination-log",
            TerminationMessagePolicy = "FallbackToLogsOnError",
            SecurityContext = new V1SecurityContext
            {
                AllowPrivilegeEscalation = false,
                RunAsNonRoot = true,
                Capabilities = new V1Capabilities { Drop = ["ALL"] },
                SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
            },
        };
        return new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Labels = EngineLabels.For(resource, image) },
            Spec = new V1PodSpec
            {
                Containers = [container],
                // Ready (and so in the Service's endpoints, and available to the rollout) only once the operator's
                // long-context probe went through this pod.
                ReadinessGates = [ProvenGate.Gate],
                Volumes = [new V1Volume { Name = "dshm", EmptyDir = new V1EmptyDirVolumeSource { Medium = "Memory" } }, .. mount.Volumes],
                TerminationGracePeriodSeconds = 30,
                SecurityContext = new V1PodSecurityContext { RunAsNonRoot = true, SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" } },
            },
        };
    }

    /// <summary>
    /// The API key as a reference the kubelet resolves: only the Secret's name and key are in the pod template (and
    /// so in the revision), never the key itself. Both our engine and vLLM read VLLM_API_KEY.
    /// </summary>
    private static List<V1EnvVar>? ApiKeyEnvironment(SecretKeyReference? reference) => reference is null ? null :
    [
        new V1EnvVar
        {
            Name = EngineApiKey.EnvironmentVariable,
            ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = reference.Name, Key = reference.Key, Optional = false } },
        },
    ];

    /// <summary>Our engine is ready only after model load and warm-up (/ready); vLLM has /health only.</summary>
    private static V1Probe Probe(EngineRuntimeName runtime, int periodSeconds, int failureThreshold, string? path = null) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = path ?? (runtime == EngineRuntimeName.Vllm ? "/health" : "/ready"), Port = "http" },
        PeriodSeconds = periodSeconds,
        FailureThreshold = failureThreshold,
        TimeoutSeconds = 5,
    };
}
