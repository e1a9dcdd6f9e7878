using LlmOperator.Rules.Architecture;

namespace LlmOperator.Engine.Reference.Conversion;

/// <summary>
/// What the GGUF needs to know about a Llama or Llama-4 text model, in llama.cpp's terms.
/// <paramref name="FeedForwardLength"/> is the dense SwiGLU width (Llama's <c>intermediate_size</c>, Llama-4's
/// <c>intermediate_size_mlp</c>: llama.cpp's converter swaps the two for Llama-4), <paramref name="ExpertFeedForwardLength"/>
/// the width of each routed expert and of the shared expert (Llama-4's <c>intermediate_size</c>).
/// </summary>
public sealed record GgufModelSpec(
    ModelFamily Family,
    int VocabSize,
    int HiddenSize,
    int Layers,
    int Heads,
    int KvHeads,
    int HeadDim,
    int FeedForwardLength,
    int ContextLength,
    double RopeTheta,
    double RmsNormEps,
    RopeScaling? RopeScaling,
    bool TieWordEmbeddings,
    int Experts = 0,
    int ExpertsPerToken = 0,
    int ExpertFeedForwardLength = 0,
    int MoeLayerStep = 0)
{
    public string ArchitectureName => Family switch
    {
        ModelFamily.Llama => "llama",
        ModelFamily.Llama4 => "llama4",
        _ => throw new NotSupportedException($"No GGUF architecture for model family {Family}."),
    };

    /// <summary>Llama-4's MoE layers, as HF (<c>moe_layers = range(step-1, L, step)</c>) and llama.cpp
    /// (<c>(il + 1) % n_moe_layer_step == 0</c>) both place them.</summary>
    public bool IsMoeLayer(int layer) => Family == ModelFamily.Llama4 && MoeLayerStep > 0 && (layer + 1) % MoeLayerStep == 0;

    /// <summary>The spec of a model the rules already read from its config.json; Llama-4 also needs
    /// <c>interleave_moe_layer_step</c>, which the rules do not keep.</summary>
    public static GgufModelSpec From(ModelArchitecture architecture, int moeLayerStep) => new(
        architecture.Family,
        architecture.VocabSize,
        architecture.HiddenSize,
        architecture.NumLayers,
        architecture.NumAttentionHeads,
        architecture.NumKeyValueHeads,
        architecture.HeadDim,
        architecture.Family == ModelFamily.Llama4 ? architecture.DenseIntermediateSize : architecture.IntermediateSize,
        architecture.MaxPositionEmbeddings,
        architecture.RopeTheta,
        architecture.RmsNormEps,
        architecture.RopeScaling,
        architecture.TieWordEmbeddings,
        architecture.NumExperts,
        architecture.ExpertsPerToken,
        architecture.Family == ModelFamily.Llama4 ? architecture.IntermediateSize : 0,
        architecture.Family == ModelFamily.Llama4 ? moeLayerStep : 0);
}
