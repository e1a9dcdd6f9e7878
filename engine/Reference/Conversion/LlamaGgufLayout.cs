using LlmOperator.Engine.Reference.Gguf;
using LlmOperator.Rules.Architecture;

namespace LlmOperator.Engine.Reference.Conversion;

/// <summary>Reads one Hugging Face tensor (canonical name, e.g. <c>model.layers.0.self_attn.q_proj.weight</c>) as
/// row-major float32, after checking it has <paramref name="shape"/>.</summary>
public delegate float[] HfTensorSource(string name, long[] shape);

/// <summary>
/// The GGUF a llama.cpp build reads for a Llama (<c>llama</c>) or Llama-4 text (<c>llama4</c>) model: the metadata
/// keys of convert_hf_to_gguf.py's <c>TextModel</c>/<c>LlamaModel</c>/<c>Llama4Model</c>, and the tensor names and
/// shapes that llama.cpp's loader creates (<c>src/models/llama4.cpp</c>, <c>llama-arch.cpp</c>). Tensors are read
/// from <see cref="HfTensorSource"/> lazily, one at a time, while the file is written.
/// </summary>
public static class LlamaGgufLayout
{
    public static (GgufMetadata Metadata, List<GgufTensor> Tensors) Build(GgufModelSpec spec, HfTensorSource source, string name)
    {
        return (Metadata(spec, name), Tensors(spec, source));
    }

    public static GgufMetadata Metadata(GgufModelSpec spec, string name)
    {
        string arch = spec.ArchitectureName;
        var m = new GgufMetadata()
            .Set("general.architecture", GgufValue.String(arch))
            .Set("general.name", GgufValue.String(name))
            .Set("general.file_type", GgufValue.UInt32(0)) // LLAMA_FTYPE_ALL_F32
            .Set($"{arch}.vocab_size", GgufValue.UInt32((uint)spec.VocabSize))
            .Set($"{arch}.context_length", GgufValue.UInt32((uint)spec.ContextLength))
            .Set($"{arch}.embedding_length", GgufValue.UInt32((uint)spec.HiddenSize))
            .Set($"{arch}.block_count", GgufValue.UInt32((uint)spec.Layers))
            .Set($"{arch}.feed_forward_length", GgufValue.UInt32((uint)spec.FeedForwardLength))
            .Set($"{arch}.attention.head_count", GgufValue.UInt32((uint)spec.Heads))
            .Set($"{arch}.attention.head_count_kv", GgufValue.UInt32((uint)spec.KvHeads))
            // Explicit because a head_dim other than hidden/heads is legal in HF configs; llama.cpp would guess it.
            .Set($"{arch}.attention.key_length", GgufValue.UInt32((uint)spec.HeadDim))
            .Set($"{arch}.attention.value_length", GgufValue.UInt32((uint)spec.HeadDim))
            .Set($"{arch}.attention.layer_norm_rms_epsilon", GgufValue.Float32((float)spec.RmsNormEps))
            .Set($"{arch}.rope.freq_base", GgufValue.Float32((float)spec.RopeTheta))
            .Set($"{arch}.rope.dimension_count", GgufValue.UInt32((uint)spec.HeadDim))
            // No vocabulary: the oracle feeds token ids; "none" with <arch>.vocab_size sizes the embedding and logits.
            .Set("tokenizer.ggml.model", GgufValue.String("none"));
        if (spec.Family == ModelFamily.Llama4)
        {
            m.Set($"{arch}.expert_count", GgufValue.UInt32((uint)spec.Experts))
                .Set($"{arch}.expert_used_count", GgufValue.UInt32((uint)spec.ExpertsPerToken))
                .Set($"{arch}.expert_feed_forward_length", GgufValue.UInt32((uint)spec.ExpertFeedForwardLength))
                .Set($"{arch}.interleave_moe_layer_step", GgufValue.UInt32((uint)spec.MoeLayerStep));
        }
        return m;
    }

    public static List<GgufTensor> Tensors(GgufModelSpec spec, HfTensorSource source)
    {
        long vocab = spec.VocabSize, hidden = spec.HiddenSize;
        var tensors = new List<GgufTensor>();
        if (RopeFactors.For(spec) is { } factors)
            tensors.Add(new("rope_freqs.weight", [factors.Length], () => factors));
        tensors.Add(Copy("token_embd.weight", "model.embed_tokens.weight", [vocab, hidden], source));
        for (int layer = 0; layer < spec.Layers; layer++)
            tensors.AddRange(Block(spec, layer, source));
        tensors.Add(Copy("output_norm.weight", "model.norm.weight", [hidden], source));
        // Tied embeddings: llama.cpp falls back to token_embd when `output` is absent.
        if (!spec.TieWordEmbeddings)
            tensors.Add(Copy("output.weight", "lm_head.weight", [vocab, hidden], source));
        return tensors;
    }

    private static IEnumerable<GgufTensor> Block(GgufModelSpec spec, int layer, HfTensorSource source)
    {
        string hf = $"model.layers.{layer}", gg = $"blk.{layer}";
        long hidden = spec.HiddenSize, q = (long)spec.Heads * spec.HeadDim, kv = (long)spec.KvHeads * spec.HeadDim;
        yield return Copy($"{gg}.attn_norm.weight", $"{hf}.input_layernorm.weight", [hidden], source);
        yield return QueryOrKey($"{gg}.attn_q.weight", $"{hf}.self_attn.q_proj.weight", spec, spec.Heads, source);
        yield return QueryOrKey($"{gg}.attn_k.weight", $"{hf}.self_attn.k_proj.weight", spec, spec.KvHeads, source);
        yield return Copy($"{gg}.attn_v.weight", $"{hf}.self_attn.v_proj.weight", [kv, hidden], source);
        yield return Copy($"{gg}.attn_output.weight", $"{hf}.self_attn.o_proj.weight", [hidden, q], source);
        yield return Copy($"{gg}.ffn_norm.weight", $"{hf}.post_attention_layernorm.weight", [hidden], source);
        IEnumerable<GgufTensor> ffn = spec.Family == ModelFamily.Llama
            ? SwiGlu(gg, "", $"{hf}.mlp", hidden, spec.FeedForwardLength, source)
            : spec.IsMoeLayer(layer)
                ? Moe(spec, gg, $"{hf}.feed_forward", source)
                : SwiGlu(gg, "", $"{hf}.feed_forward", hidden, spec.FeedForwardLength, source);
        foreach (var tensor in ffn) yield return tensor;
    }

    /// <summary>GGUF <c>llama</c> stores q/k permuted for adjacent-pair RoPE; <c>llama4</c> stores them as HF does
    /// (<c>Llama4Model.undo_permute = False</c>): HF Llama-4 already rotates interleaved pairs.</summary>
    private static GgufTensor QueryOrKey(string name, string hfName, GgufModelSpec spec, int heads, HfTensorSource source)
    {
        long[] shape = [(long)heads * spec.HeadDim, spec.HiddenSize];
        if (spec.Family != ModelFamily.Llama) return Copy(name, hfName, shape, source);
        return new(name, shape, () => TensorLayouts.PermuteForAdjacentPairRope(source(hfName, shape), heads, spec.HeadDim, spec.HiddenSize));
    }

    private static IEnumerable<GgufTensor> SwiGlu(string gg, string suffix, string hf, long hidden, long width, HfTensorSource source)
    {
        yield return Copy($"{gg}.ffn_gate{suffix}.weight", $"{hf}.gate_proj.weight", [width, hidden], source);
        yield return Copy($"{gg}.ffn_up{suffix}.weight", $"{hf}.up_proj.weight", [width, hidden], source);
        yield return Copy($"{gg}.ffn_down{suffix}.weight", $"{hf}.down_proj.weight", [hidden, width], source);
    }

    private static IEnumerable<GgufTensor> Moe(GgufModelSpec spec, string gg, string hf, HfTensorSource source)
    {
        int experts = spec.Experts, hidden = spec.HiddenSize, width = spec.ExpertFeedForwardLength;
        yield return Copy($"{gg}.ffn_gate_inp.weight", $"{hf}.router.weight", [experts, hidden], source);
        long[] gateUpShape = [experts, hidden, 2L * width];
        // Llama4Model.modify_tensors: gate_up_proj.transpose(-1, -2).split(I, dim=-2) -> gate (first half), up.
        yield return new($"{gg}.ffn_gate_exps.weight", [experts, width, hidden],
            () => TensorLayouts.TransposeLastTwo(source($"{hf}.experts.gate_up_proj", gateUpShape), experts, hidden, 2 * width, 0, width));
        yield return new($"{gg}.ffn_up_exps.weight", [experts, width, hidden],
            () => TensorLayouts.TransposeLastTwo(source($"{hf}.experts.gate_up_proj", gateUpShape), experts, hidden, 2 * width, width, width));
        yield return new($"{gg}.ffn_down_exps.weight", [experts, hidden, width],
            () => TensorLayouts.TransposeLastTwo(source($"{hf}.experts.down_proj", [experts, width, hidden]), experts, width, hidden, 0, hidden));
        foreach (var tensor in SwiGlu(gg, "_shexp", $"{hf}.shared_expert", hidden, width, source))
            yield return tensor;
    }

    private static GgufTensor Copy(string name, string hfName, long[] shape, HfTensorSource source) =>
        new(name, shape, () => source(hfName, shape));
}
