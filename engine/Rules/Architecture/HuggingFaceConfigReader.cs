using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmOperator.Rules.Architecture;

/// <summary>
/// Reads a model's architecture from a Hugging Face <c>config.json</c>: Llama 4
/// (<c>Llama4ForConditionalGeneration</c> with a nested <c>text_config</c>, or a bare <c>llama4_text</c> config)
/// and plain Llama. Errors name the source and the field.
/// </summary>
public static class HuggingFaceConfigReader
{
    /// <summary>Reads <paramref name="json"/>; <paramref name="source"/> names it in errors (a path, a ConfigMap key).</summary>
    public static ModelArchitecture Read(string json, string name, string source)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject
                ?? throw new ModelConfigException($"{source}: config.json must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw new ModelConfigException($"{source}: config.json is not valid JSON: {e.Message}");
        }
        var fields = new ConfigFields(source, root["text_config"] as JsonObject ?? root, root);
        string modelType = fields.String("model_type") ?? "";
        return modelType switch
        {
            "llama4" or "llama4_text" => ReadLlama4(fields, name),
            "llama" => ReadLlama(fields, name),
            _ => throw new ModelConfigException(
                $"{source}: model_type '{modelType}' is not supported; supported: llama4, llama4_text, llama."),
        };
    }

    private static ModelArchitecture ReadLlama(ConfigFields f, string name)
    {
        int heads = f.Int("num_attention_heads");
        int hidden = f.Int("hidden_size");
        int intermediate = f.Int("intermediate_size");
        return new ModelArchitecture
        {
            Name = name,
            Family = ModelFamily.Llama,
            HiddenSize = hidden,
            NumLayers = f.Int("num_hidden_layers"),
            NumAttentionHeads = heads,
            NumKeyValueHeads = f.OptionalInt("num_key_value_heads") ?? heads,
            HeadDim = f.OptionalInt("head_dim") ?? hidden / heads,
            VocabSize = f.Int("vocab_size"),
            IntermediateSize = intermediate,
            DenseIntermediateSize = intermediate,
            MaxPositionEmbeddings = f.Int("max_position_embeddings"),
            RopeScaling = f.RopeScaling(),
            RopeTheta = f.OptionalDouble("rope_theta") ?? 10000,
            RmsNormEps = f.OptionalDouble("rms_norm_eps") ?? 1e-5,
            TieWordEmbeddings = f.OptionalBool("tie_word_embeddings") ?? false,
            TorchDtype = f.String("torch_dtype") ?? "bfloat16",
        };
    }

    private static ModelArchitecture ReadLlama4(ConfigFields f, string name)
    {
        var llama = ReadLlama(f, name);
        int layers = llama.NumLayers;
        int step = f.OptionalInt("interleave_moe_layer_step") ?? 1;
        int experts = f.OptionalInt("num_local_experts") ?? 0;
        // vLLM and llama.cpp: layer i is MoE when (i + 1) % step == 0.
        int moeLayers = experts > 0 && step > 0 ? Enumerable.Range(0, layers).Count(i => (i + 1) % step == 0) : 0;
        int? chunk = f.OptionalInt("attention_chunk_size");
        return llama with
        {
            Family = ModelFamily.Llama4,
            DenseIntermediateSize = f.OptionalInt("intermediate_size_mlp") ?? llama.IntermediateSize,
            NumExperts = experts,
            ExpertsPerToken = f.OptionalInt("num_experts_per_tok") ?? 1,
            MoeLayerCount = moeLayers,
            AttentionChunkSize = chunk,
            ChunkedLayerCount = chunk is null ? 0 : CountChunkedLayers(f, layers),
            UseQkNorm = f.OptionalBool("use_qk_norm") ?? true,
            TieWordEmbeddings = f.OptionalBool("tie_word_embeddings") ?? false,
        };
    }

    /// <summary>RoPE layers use chunked attention: <c>no_rope_layers[i] == 1</c> (HF default: every 4th layer is NoPE).</summary>
    private static int CountChunkedLayers(ConfigFields f, int layers)
    {
        if (f.IntArray("no_rope_layers") is { Length: > 0 } flags)
        {
            if (flags.Length != layers)
                throw new ModelConfigException(
                    $"{f.Source}: no_rope_layers has {flags.Length} entries but num_hidden_layers is {layers}.");
            return flags.Count(x => x != 0);
        }
        int interval = f.OptionalInt("no_rope_layer_interval") ?? 4;
        return Enumerable.Range(0, layers).Count(i => (i + 1) % interval != 0);
    }
}
