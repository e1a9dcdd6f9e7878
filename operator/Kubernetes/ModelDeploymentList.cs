using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using LlmOperator.Operator.Entities;

namespace LlmOperator.Operator.Kubernetes;

/// <summary>The list the custom-objects API answers for ModelDeployments (items plus the list's resourceVersion).</summary>
public sealed class ModelDeploymentList : IKubernetesObject<V1ListMeta>, IItems<V1Alpha1ModelDeployment>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = V1Alpha1ModelDeployment.GroupVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = V1Alpha1ModelDeployment.EntityKind + "List";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<V1Alpha1ModelDeployment> Items { get; set; } = [];
}
