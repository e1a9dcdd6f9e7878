using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using LlmOperator.Rules.Architecture;

namespace LlmOperator.Engine.Models;

/// <summary>
/// The text model's Hugging Face <c>config.json</c>, deserialised as written (snake_case). Llama 4 multimodal
/// checkpoints (<c>Llama4ForConditionalGeneration</c>) nest the text model under <c>text_config</c>; its fields win
/// over the root's, which still supply what the text config leaves out (e.g. <c>tie_word_embeddings</c>).
/// Use <see cref="Parse"/> or <see cref="Load"/>: they validate what the model needs and fill HF's defaults.
/// </summary>
public sealed class ModelConfig
{
    [JsonPropertyName("model_type")] public string ModelType { get; set; } = "";
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; set; }
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; set; }
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; set; }
    [JsonPropertyName("num_key_value_heads")] public int? NumKeyValueHeads { get; set; }
    [JsonPropertyName("head_dim")] public int? HeadDim { get; set; }
    [JsonPropertyName("vocab_size")] public int VocabSize { get; set; }

    /// <summary>Llama: the dense MLP's width. Llama 4: each expert's and the shared expert's width.</summary>
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; set; }

    /// <summary>Llama 4 only: the width of the dense (non-MoE) layers' MLP.</summary>
    [JsonPropertyName("intermediate_size_mlp")] public int? IntermediateSizeMlp { get; set; }

    [JsonPropertyName("hidden_act")] public string HiddenAct { get; set; } = "silu";
    [JsonPropertyName("rms_norm_eps")] public double RmsNormEps { get; set; } = 1e-5;
    [JsonPropertyName("rope_theta")] public double RopeTheta { get; set; } = 10000;
    [JsonPropertyName("rope_scaling")] public RopeScalingConfig? RopeScaling { get; set; }
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; set; }
    [JsonPropertyName("tie_word_embeddings")] public bool TieWordEmbeddings { get; set; }
    [JsonPropertyName("attention_bias")] public bool AttentionBias { get; set; }
    [JsonPropertyName("mlp_bias")] public bool MlpBias { get; set; }

    // Llama 4 text fields (HF Llama4TextConfig); absent for plain Llama.
    [JsonPropertyName("num_local_experts")] public int NumLocalExperts { get; set; }
    [JsonPropertyName("num_experts_per_tok")] public int NumExpertsPerTok { get; set; } = 1;
    [JsonPropertyName("interleave_moe_layer_step")] public int InterleaveMoeLayerStep { get; set; } = 1;
    [JsonPropertyName("moe_layers")] public int[]? MoeLayers { get; set; }

    /// <summary>Per layer: 1 = RoPE layer (chunked local attention, QK-norm), 0 = NoPE layer (global attention).</summary>
    [JsonPropertyName("no_rope_layers")] public int[]? NoRopeLayers { get; set; }
    [JsonPropertyName("no_rope_layer_interval")] public int NoRopeLayerInterval { get; set; } = 4;
    [JsonPropertyName("attention_chunk_size")] public int? AttentionChunkSize { get; set; }
    [JsonPropertyName("use_qk_norm")] public bool UseQkNorm { get; set; } = true;

    /// <summary>Scout writes <c>4</c> here, so any non-zero number counts as true (see <see cref="TruthyConverter"/>).</summary>
    [JsonPropertyName("attn_temperature_tuning"), JsonConverter(typeof(TruthyConverter))]
    public bool AttnTemperatureTuning { get; set; } = true;
    [JsonPropertyName("floor_scale")] public double FloorScale { get; set; } = 8192;
    [JsonPropertyName("attn_scale")] public double AttnScale { get; set; } = 0.1;

    [JsonIgnore] public ModelFamily Family => ModelType is "llama4" or "llama4_text" ? ModelFamily.Llama4 : ModelFamily.Llama;
    [JsonIgnore] public int KeyValueHeads => NumKeyValueHeads ?? NumAttentionHeads;
    [JsonIgnore] public int HeadDimension => HeadDim ?? HiddenSize / NumAttentionHeads;
    [JsonIgnore] public int DenseIntermediateSize => Family == ModelFamily.Llama4 ? IntermediateSizeMlp ?? IntermediateSize : IntermediateSize;

    /// <summary>Llama 4: RoPE on layers flagged 1 in <c>no_rope_layers</c>; plain Llama: RoPE everywhere.</summary>
    public bool UsesRope(int layer) => Family != ModelFamily.Llama4 || RopeFlags()[layer] != 0;

    /// <summary>HF: a RoPE layer of Llama 4 is a "chunked_attention" layer; NoPE layers attend globally.</summary>
    public bool IsChunkedLocal(int layer) => Family == ModelFamily.Llama4 && AttentionChunkSize is not null && UsesRope(layer);

    /// <summary>HF <c>moe_layers</c>, defaulting to <c>range(step - 1, L, step)</c>.</summary>
    public bool IsMoeLayer(int layer) => Family == ModelFamily.Llama4 && NumLocalExperts > 0 &&
        (MoeLayers?.Contains(layer) ?? (layer + 1) % InterleaveMoeLayerStep == 0);

    /// <summary>QK-norm only where RoPE is (HF builds <c>qk_norm</c> for <c>use_qk_norm and use_rope</c>).</summary>
    public bool UsesQkNorm(int layer) => Family == ModelFamily.Llama4 && UseQkNorm && UsesRope(layer);

    /// <summary>Temperature tuning on q of NoPE layers only.</summary>
    public bool UsesTemperatureTuning(int layer) => Family == ModelFamily.Llama4 && AttnTemperatureTuning && !UsesRope(layer);

    /// <summary>HF's default: every <c>no_rope_layer_interval</c>-th layer (1-based) is NoPE.</summary>
    private int[] RopeFlags() => NoRopeLayers is { Length: > 0 } flags
        ? flags
        : Enumerable.Range(0, NumHiddenLayers).Select(i => (i + 1) % NoRopeLayerInterval != 0 ? 1 : 0).ToArray();

    /// <summary>Reads <c>DIR/config.json</c>.</summary>
    public static ModelConfig Load(string directory)
    {
        string path = Path.Combine(directory, ModelSource.ConfigFileName);
        try
        {
            return Parse(File.ReadAllText(path), path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelConfigException($"{path}: cannot be read: {e.Message}");
        }
    }

    /// <summary>Parses and validates; <paramref name="source"/> names the file in errors.</summary>
    public static ModelConfig Parse(string json, string source)
    {
        ModelConfig? config;
        try
        {
            var root = JsonNode.Parse(json) as JsonObject
                ?? throw new ModelConfigException($"{source}: config.json must be a JSON object.");
            config = Merged(root).Deserialize<ModelConfig>();
        }
        catch (JsonException e)
        {
            throw new ModelConfigException($"{source}: config.json does not describe a model: {e.Message}");
        }
        if (config is null) throw new ModelConfigException($"{source}: config.json is empty.");
        ModelConfigValidator.Validate(config, source);
        return config;
    }

    /// <summary>The root's fields overlaid with <c>text_config</c>'s (the text model's own values win).</summary>
    private static JsonObject Merged(JsonObject root)
    {
        var merged = new JsonObject();
        foreach (var (key, value) in root)
            if (key is not ("text_config" or "vision_config"))
                merged[key] = value?.DeepClone();
        if (root["text_config"] is JsonObject text)
            foreach (var (key, value) in text)
                merged[key] = value?.DeepClone();
        return merged;
    }
}

/// <summary>HF <c>rope_scaling</c>; only <c>llama3</c> changes the frequencies in this engine.</summary>
public sealed class RopeScalingConfig
{
    [JsonPropertyName("rope_type")] public string? RopeType { get; set; }

    /// <summary>Older configs spell <c>rope_type</c> as <c>type</c>.</summary>
    [JsonPropertyName("type")] public string? Type { get; set; }
    [JsonPropertyName("factor")] public double Factor { get; set; } = 1;
    [JsonPropertyName("low_freq_factor")] public double LowFreqFactor { get; set; } = 1;
    [JsonPropertyName("high_freq_factor")] public double HighFreqFactor { get; set; } = 4;
    [JsonPropertyName("original_max_position_embeddings")] public int OriginalMaxPositionEmbeddings { get; set; } = 8192;

    [JsonIgnore] public string Kind => RopeType ?? Type ?? "default";
}

/// <summary>Reads JSON booleans and numbers (non-zero = true), as Python's truthiness does for these flags.</summary>
public sealed class TruthyConverter : JsonConverter<bool>
{
    public override bool Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        JsonTokenType.Number => reader.GetDouble() != 0,
        _ => throw new JsonException($"expected a boolean or a number, found {reader.TokenType}"),
    };

    public override void Write(Utf8JsonWriter writer, bool value, JsonSerializerOptions options) => writer.WriteBooleanValue(value);
}
