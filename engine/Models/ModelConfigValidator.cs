using LlmOperator.Rules.Architecture;

namespace LlmOperator.Engine.Models;

/// <summary>
/// What the engine's model code needs from a config.json beyond what the rules check: every size positive, the
/// activation and RoPE type it implements, per-layer lists of the right length. Errors name the file and field.
/// </summary>
internal static class ModelConfigValidator
{
    public static void Validate(ModelConfig c, string source)
    {
        void Fail(string field, string problem) => throw new ModelConfigException($"{source}: field '{field}' {problem}");

        if (c.ModelType is not ("llama" or "llama4" or "llama4_text"))
            Fail("model_type", $"is '{c.ModelType}'; supported: llama4, llama4_text, llama.");
        foreach (var (field, value) in Sizes(c))
            if (value <= 0) Fail(field, $"must be a positive integer, found {value}.");
        if (c.NumAttentionHeads % c.KeyValueHeads != 0)
            Fail("num_key_value_heads", $"({c.KeyValueHeads}) must divide num_attention_heads ({c.NumAttentionHeads}) for grouped-query attention.");
        if (c.HeadDimension % 2 != 0)
            Fail("head_dim", $"must be even for rotary embeddings, found {c.HeadDimension}.");
        if (c.HiddenAct != "silu")
            Fail("hidden_act", $"is '{c.HiddenAct}'; this engine implements SwiGLU ('silu') only.");
        if (c.AttentionBias) Fail("attention_bias", "is true; this engine implements bias-free attention projections only.");
        if (c.MlpBias) Fail("mlp_bias", "is true; this engine implements bias-free MLP projections only.");
        if (c.RopeScaling is { } r && r.Kind is not ("default" or "llama3"))
            Fail("rope_scaling", $"has rope_type '{r.Kind}'; supported: default, llama3.");
        if (c.RopeScaling is { Kind: "llama3" } l && (l.Factor <= 0 || l.LowFreqFactor <= 0 || l.HighFreqFactor < l.LowFreqFactor))
            Fail("rope_scaling", "needs factor > 0 and 0 < low_freq_factor <= high_freq_factor for llama3 scaling.");
        if (c.Family == ModelFamily.Llama4) ValidateLlama4(c, Fail);
    }

    private static void ValidateLlama4(ModelConfig c, Action<string, string> fail)
    {
        int layers = c.NumHiddenLayers;
        if (c.NoRopeLayers is { Length: > 0 } flags && flags.Length != layers)
            fail("no_rope_layers", $"has {flags.Length} entries but num_hidden_layers is {layers}.");
        if (c.NoRopeLayerInterval <= 0) fail("no_rope_layer_interval", "must be positive.");
        if (c.AttentionChunkSize is <= 0) fail("attention_chunk_size", $"must be positive, found {c.AttentionChunkSize}.");
        if (c.InterleaveMoeLayerStep <= 0) fail("interleave_moe_layer_step", "must be positive.");
        foreach (int layer in c.MoeLayers ?? [])
            if (layer < 0 || layer >= layers) fail("moe_layers", $"names layer {layer}, outside 0..{layers - 1}.");
        if (c.NumLocalExperts < 0) fail("num_local_experts", "must not be negative.");
        if (c.NumLocalExperts > 0 && (c.NumExpertsPerTok <= 0 || c.NumExpertsPerTok > c.NumLocalExperts))
            fail("num_experts_per_tok", $"must be between 1 and num_local_experts ({c.NumLocalExperts}), found {c.NumExpertsPerTok}.");
        if (c.DenseIntermediateSize <= 0) fail("intermediate_size_mlp", "must be positive.");
        if (c.FloorScale <= 0) fail("floor_scale", "must be positive.");
    }

    private static IEnumerable<(string Field, int Value)> Sizes(ModelConfig c) =>
    [
        ("hidden_size", c.HiddenSize), ("num_hidden_layers", c.NumHiddenLayers), ("num_attention_heads", c.NumAttentionHeads),
        ("num_key_value_heads", c.KeyValueHeads), ("head_dim", c.HeadDimension), ("vocab_size", c.VocabSize),
        ("intermediate_size", c.IntermediateSize), ("max_position_embeddings", c.MaxPositionEmbeddings),
    ];
}
