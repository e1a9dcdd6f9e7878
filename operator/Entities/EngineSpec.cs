using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace LlmOperator.Operator.Entities;

/// <summary>Which server runs the model.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EngineRuntimeName>))]
public enum EngineRuntimeName
{
    [JsonStringEnumMemberName("engine")] Engine,
    [JsonStringEnumMemberName("vllm")] Vllm,
}

[Description("Inference engine settings. Names follow vLLM's flags.")]
[CelRule("!has(self.maxNumBatchedTokens) || self.maxNumBatchedTokens >= self.maxNumSeqs",
    "maxNumBatchedTokens must be at least maxNumSeqs, so every running sequence gets its decode token",
    FieldPath = ".maxNumBatchedTokens")]
[CelRule("self.runtime != 'vllm' || self.blockSize % 16 == 0",
    "vLLM's FlashAttention backends need a blockSize that is a multiple of 16", FieldPath = ".blockSize")]
public sealed class EngineSpec
{
    [JsonPropertyName("runtime")]
    [DefaultValue("engine")]
    [Description("engine (this project's engine, the default) or vllm (vLLM's OpenAI server, same settings as flags).")]
    public EngineRuntimeName Runtime { get; set; } = EngineRuntimeName.Engine;

    [JsonPropertyName("runtimeVersion")]
    [MaxLength(64)]
    [Description("Version of the runtime (e.g. 0.8.4); read from the image tag when unset. Known defects of a version are refused.")]
    public string? RuntimeVersion { get; set; }

    [JsonPropertyName("image")]
    [MaxLength(512)]
    [Description("Container image of the engine; defaults to the operator's engine image for runtime engine.")]
    public string? Image { get; set; }

    [JsonPropertyName("tensorParallelSize")]
    [Range(1, 64)]
    [DefaultValue(1)]
    [Description("GPUs one replica shards the model over (attention heads, MLP and experts); all on one node.")]
    public int TensorParallelSize { get; set; } = 1;

    [JsonPropertyName("maxModelLen")]
    [Range(1, 67108864)]
    [Description("Longest sequence (prompt + output) in tokens; defaults to the model's maximum. " +
                 "Values below a Llama 4 attention chunk (8192) are valid on this engine and on vLLM from 0.8.4.")]
    public long? MaxModelLen { get; set; }

    [JsonPropertyName("blockSize")]
    [AllowedValues(1, 2, 4, 8, 16, 32, 64, 128)]
    [DefaultValue(16)]
    [Description("Tokens per KV-cache block; must divide the model's attention chunk size. vLLM needs a multiple of 16.")]
    public int BlockSize { get; set; } = 16;

    [JsonPropertyName("dtype")]
    [AllowedValues("auto", "bfloat16", "float16", "half", "float32", "float")]
    [DefaultValue("auto")]
    [Description("Weight and activation dtype; auto uses the checkpoint's torch_dtype.")]
    public string Dtype { get; set; } = "auto";

    [JsonPropertyName("gpuMemoryUtilization")]
    [Range(0.0, 1.0, MinimumIsExclusive = true)]
    [DefaultValue(0.9)]
    [Description("Fraction of each GPU's memory the engine may use for weights, activations and the KV cache.")]
    public double GpuMemoryUtilization { get; set; } = 0.9;

    [JsonPropertyName("maxNumSeqs")]
    [Range(1, 65536)]
    [DefaultValue(256)]
    [Description("Most sequences running at once.")]
    public int MaxNumSeqs { get; set; } = 256;

    [JsonPropertyName("maxNumBatchedTokens")]
    [Range(1, 16777216)]
    [Description("Token budget of one engine step (longer prompts are prefilled in chunks); defaults to 8192.")]
    public int? MaxNumBatchedTokens { get; set; }

    [JsonPropertyName("apiKeySecretRef")]
    [Description("A key of a Secret in the same namespace holding the API key the engine requires on /v1/* " +
                 "(Authorization: Bearer KEY). The pods read it as VLLM_API_KEY; the key never appears in the resource, " +
                 "its status, Events or logs. Changing the Secret's content does not restart pods: change the reference to rotate.")]
    public SecretKeyReference? ApiKeySecretRef { get; set; }

    [JsonPropertyName("extraArgs")]
    [MaxLength(64)]
    [Description("Extra command-line arguments passed to the engine as they are.")]
    public List<string>? ExtraArgs { get; set; }
}

[Description("A key of a Secret in the resource's namespace.")]
public sealed class SecretKeyReference
{
    [JsonPropertyName("name")]
    [Required]
    [MinLength(1)]
    [MaxLength(253)]
    [Description("Name of the Secret.")]
    public string Name { get; set; } = "";

    [JsonPropertyName("key")]
    [DefaultValue("api-key")]
    [MinLength(1)]
    [MaxLength(253)]
    [Description("Key within the Secret.")]
    public string Key { get; set; } = "api-key";
}
