using System.Text.Json;
using System.Text.Json.Nodes;
using LlmOperator.Engine.Weights;

namespace LlmOperator.Engine.ModelMaking;

/// <summary>
/// Writes <c>config.json</c> and <c>generation_config.json</c> as transformers' <c>save_pretrained</c> does: Llama 4
/// as <c>Llama4ForConditionalGeneration</c> (<c>model_type: llama4</c>) with the text model in <c>text_config</c>
/// (<c>model_type: llama4_text</c>; no <c>vision_config</c>, so transformers uses its default vision tower), plain
/// Llama as a flat <c>LlamaForCausalLM</c> config.
/// </summary>
public static class HuggingFaceConfigWriter
{
    /// <summary>The transformers release whose Llama 4 support these files follow.</summary>
    private const string TransformersVersion = "4.51.0";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void WriteConfig(string path, ModelSpec spec, string dtype, SpecialTokenIds ids)
    {
        string torchDtype = SafetensorsDtype.TorchDtypeName(dtype);
        var text = TextConfig(spec, torchDtype, ids);
        JsonObject root;
        if (spec.IsLlama4)
        {
            root = new JsonObject
            {
                ["architectures"] = new JsonArray(spec.ArchitectureClass),
                ["model_type"] = "llama4",
                ["text_config"] = text,
                ["tie_word_embeddings"] = false,
                ["torch_dtype"] = torchDtype,
                ["transformers_version"] = TransformersVersion,
            };
        }
        else
        {
            root = new JsonObject { ["architectures"] = new JsonArray(spec.ArchitectureClass) };
            foreach (var (key, value) in text)
                root[key] = value?.DeepClone();
            root["transformers_version"] = TransformersVersion;
        }
        File.WriteAllText(path, root.ToJsonString(Indented) + "\n");
    }

    public static void WriteGenerationConfig(string path, SpecialTokenIds ids)
    {
        var root = new JsonObject
        {
            ["bos_token_id"] = ids.Bos,
            ["eos_token_id"] = Ids(ids.Eos),
            ["pad_token_id"] = ids.Pad,
            ["do_sample"] = true,
            ["temperature"] = 0.6,
            ["top_p"] = 0.9,
            ["transformers_version"] = TransformersVersion,
        };
        File.WriteAllText(path, root.ToJsonString(Indented) + "\n");
    }

    private static JsonObject TextConfig(ModelSpec spec, string torchDtype, SpecialTokenIds ids)
    {
        var config = new JsonObject
        {
            ["model_type"] = spec.IsLlama4 ? "llama4_text" : "llama",
            ["hidden_size"] = spec.HiddenSize,
            ["num_hidden_layers"] = spec.NumLayers,
            ["num_attention_heads"] = spec.NumAttentionHeads,
            ["num_key_value_heads"] = spec.NumKeyValueHeads,
            ["head_dim"] = spec.HeadDim,
            ["vocab_size"] = spec.VocabSize,
            ["intermediate_size"] = spec.IntermediateSize,
            ["hidden_act"] = "silu",
            ["max_position_embeddings"] = spec.MaxPositionEmbeddings,
            ["rope_theta"] = spec.RopeTheta,
            ["rope_scaling"] = RopeScaling(spec),
            ["rms_norm_eps"] = spec.RmsNormEps,
            ["attention_bias"] = false,
            ["attention_dropout"] = 0.0,
            ["initializer_range"] = 0.02,
            ["bos_token_id"] = ids.Bos,
            ["eos_token_id"] = Ids(ids.Eos),
            ["pad_token_id"] = ids.Pad,
            ["tie_word_embeddings"] = false,
            ["use_cache"] = true,
            ["torch_dtype"] = torchDtype,
        };
        if (!spec.IsLlama4)
        {
            config["mlp_bias"] = false;
            config["pretraining_tp"] = 1;
            return config;
        }
        config["intermediate_size_mlp"] = spec.IntermediateSizeMlp;
        config["num_local_experts"] = spec.NumLocalExperts;
        config["num_experts_per_tok"] = spec.NumExpertsPerToken;
        config["interleave_moe_layer_step"] = spec.InterleaveMoeLayerStep;
        config["attention_chunk_size"] = spec.AttentionChunkSize;
        config["no_rope_layers"] = Ids(spec.NoRopeLayers);
        config["use_qk_norm"] = spec.UseQkNorm;
        config["attn_temperature_tuning"] = true;
        config["floor_scale"] = 8192;
        config["attn_scale"] = 0.1;
        config["output_router_logits"] = false;
        config["router_aux_loss_coef"] = 0.001;
        config["router_jitter_noise"] = 0.0;
        return config;
    }

    private static JsonObject? RopeScaling(ModelSpec spec) => spec.RopeScaling is not { } r
        ? null
        : new JsonObject
        {
            ["rope_type"] = r.Type,
            ["factor"] = r.Factor,
            ["low_freq_factor"] = r.LowFreqFactor,
            ["high_freq_factor"] = r.HighFreqFactor,
            ["original_max_position_embeddings"] = r.OriginalMaxPositionEmbeddings,
        };

    private static JsonArray Ids(IEnumerable<int> ids) => new([.. ids.Select(i => (JsonNode)i)]);
}
