using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace LlmOperator.Operator.Entities;

[Description("Resources of each replica.")]
public sealed class ResourcesSpec
{
    [JsonPropertyName("gpu")]
    [Description("The GPUs: one per tensor-parallel rank.")]
    public GpuSpec Gpu { get; set; } = new();
}

[Description("The GPU type the replicas are scheduled on.")]
public sealed class GpuSpec
{
    /// <summary>Kubernetes resource quantity syntax (binary and decimal suffixes), e.g. 80Gi or 141G.</summary>
    public const string QuantityPattern = @"^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$";

    [JsonPropertyName("resourceName")]
    [DefaultValue("nvidia.com/gpu")]
    [MaxLength(253)]
    [Description("Extended resource the device plugin advertises; each pod requests tensorParallelSize of it.")]
    public string ResourceName { get; set; } = "nvidia.com/gpu";

    [JsonPropertyName("memory")]
    [RegularExpression(QuantityPattern)]
    [Description("Memory of one GPU as a quantity (e.g. 80Gi for an H100 80GB); used to check the KV cache fits.")]
    public string? Memory { get; set; }

    [JsonPropertyName("perNode")]
    [Range(1, 64)]
    [Description("GPUs per node; tensorParallelSize may not exceed it.")]
    public int? PerNode { get; set; }
}
