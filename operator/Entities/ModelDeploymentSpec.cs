using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace LlmOperator.Operator.Entities;

[Description("Desired state of a ModelDeployment.")]
public sealed class ModelDeploymentSpec
{
    [JsonPropertyName("model")]
    [Required]
    [Description("The model to serve: a catalog name or a Hugging Face id, where its config.json and weights come from.")]
    public ModelSpec Model { get; set; } = new();

    [JsonPropertyName("engine")]
    [Description("Inference engine settings (vLLM-compatible names).")]
    public EngineSpec Engine { get; set; } = new();

    [JsonPropertyName("replicas")]
    [Range(0, 1000)]
    [DefaultValue(1)]
    [Description("Number of engine replicas; each replica uses tensorParallelSize GPUs on one node.")]
    public int Replicas { get; set; } = 1;

    [JsonPropertyName("resources")]
    [Description("The GPUs each replica gets.")]
    public ResourcesSpec Resources { get; set; } = new();

    [JsonPropertyName("rollout")]
    [Description("How new revisions roll out, and which failures roll them back.")]
    public RolloutSpec Rollout { get; set; } = new();

    [JsonPropertyName("service")]
    [Description("The Service in front of the engine pods (OpenAI-compatible API).")]
    public ServiceSpec Service { get; set; } = new();
}

[Description("The model to serve.")]
public sealed class ModelSpec
{
    [JsonPropertyName("name")]
    [Required]
    [MinLength(1)]
    [MaxLength(253)]
    [Description("A built-in catalog name (e.g. meta-llama/Llama-4-Scout-17B-16E-Instruct, llmoperator/tiny-llama4) " +
                 "or a Hugging Face id; a name outside the catalog needs config.")]
    public string Name { get; set; } = "";

    [JsonPropertyName("config")]
    [Description("Where the model's Hugging Face config.json comes from, for models outside the catalog.")]
    public ModelConfigSource? Config { get; set; }

    [JsonPropertyName("weights")]
    [Description("Where the weights come from; by default the engine resolves the name itself.")]
    public WeightsSource? Weights { get; set; }
}

[Description("Exactly one of configMapKeyRef or inline.")]
[CelRule("has(self.configMapKeyRef) != has(self.inline)", "set exactly one of configMapKeyRef or inline")]
public sealed class ModelConfigSource
{
    [JsonPropertyName("configMapKeyRef")]
    [Description("A key of a ConfigMap in the same namespace that holds config.json.")]
    public ConfigMapKeyReference? ConfigMapKeyRef { get; set; }

    [JsonPropertyName("inline")]
    [MaxLength(262144)]
    [Description("The config.json document itself, as a JSON string.")]
    public string? Inline { get; set; }
}

[Description("A key of a ConfigMap in the resource's namespace.")]
public sealed class ConfigMapKeyReference
{
    [JsonPropertyName("name")]
    [Required]
    [MinLength(1)]
    [Description("Name of the ConfigMap.")]
    public string Name { get; set; } = "";

    [JsonPropertyName("key")]
    [DefaultValue("config.json")]
    [Description("Key within the ConfigMap.")]
    public string Key { get; set; } = "config.json";
}

[Description("Exactly one of pvc or uri.")]
[CelRule("has(self.pvc) != has(self.uri)", "set exactly one of pvc or uri")]
public sealed class WeightsSource
{
    [JsonPropertyName("pvc")]
    [Description("A PersistentVolumeClaim holding the Hugging Face checkpoint folder.")]
    public PvcWeights? Pvc { get; set; }

    [JsonPropertyName("uri")]
    [RegularExpression("^(hf|s3|gs|https?)://.+")]
    [Description("A URI the engine downloads the checkpoint from (hf://, s3://, gs://, https://).")]
    public string? Uri { get; set; }
}

[Description("A checkpoint folder on a PersistentVolumeClaim.")]
public sealed class PvcWeights
{
    [JsonPropertyName("claimName")]
    [Required]
    [MinLength(1)]
    [Description("Name of the PersistentVolumeClaim in the resource's namespace.")]
    public string ClaimName { get; set; } = "";

    [JsonPropertyName("path")]
    [DefaultValue("/")]
    [Description("Folder within the volume that holds config.json and the safetensors files.")]
    public string Path { get; set; } = "/";
}
