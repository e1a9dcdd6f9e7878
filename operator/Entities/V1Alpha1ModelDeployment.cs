using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace LlmOperator.Operator.Entities;

/// <summary>
/// A large-language-model inference deployment: the model, its engine settings and GPUs, validated against the
/// engine's rules before anything runs, rolled out with revision history and rolled back on GPU failures.
/// </summary>
[KubernetesEntity(Group = Group, ApiVersion = Version, Kind = EntityKind, PluralName = Plural)]
[Description("ModelDeployment deploys an LLM inference server: a model, its tensor-parallel engine settings and GPUs. " +
             "The operator refuses settings that would crash the engine, rolls out pods running it with revision " +
             "history, and rolls back to the last good revision when the engine fails with GPU assertion errors.")]
public sealed class V1Alpha1ModelDeployment : IKubernetesObject<V1ObjectMeta>, ISpec<ModelDeploymentSpec>, IStatus<ModelDeploymentStatus?>
{
    public const string Group = "inference.llmoperator.dev";
    public const string Version = "v1alpha1";
    public const string EntityKind = "ModelDeployment";
    public const string Plural = "modeldeployments";
    public const string Singular = "modeldeployment";
    public const string ShortName = "md";
    public const string GroupVersion = Group + "/" + Version;

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = GroupVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = EntityKind;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    [Description("Desired state: the model, the engine settings, the GPUs, the rollout policy and the Service.")]
    public ModelDeploymentSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    [Description("Observed state, written by the operator only.")]
    public ModelDeploymentStatus? Status { get; set; }
}
