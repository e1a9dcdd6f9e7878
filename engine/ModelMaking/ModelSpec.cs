using LlmOperator.Rules.Architecture;

namespace LlmOperator.Engine.ModelMaking;

/// <summary>
/// Everything <c>make-model</c> needs to write a model: the text-model hyper-parameters of a Hugging Face
/// <c>Llama4TextConfig</c> / <c>LlamaConfig</c> (same names, same meaning) and the tokenizer flavour.
/// </summary>
public sealed record ModelSpec
{
    public required string Preset { get; init; }
    public required ModelFamily Family { get; init; }
    public required int HiddenSize { get; init; }
    public required int NumLayers { get; init; }
    public required int NumAttentionHeads { get; init; }
    public required int NumKeyValueHeads { get; init; }
    public required int HeadDim { get; init; }
    public required int VocabSize { get; init; }

    /// <summary>Llama: the MLP width. Llama 4: the width of each expert and of the shared expert.</summary>
    public required int IntermediateSize { get; init; }

    /// <summary>Llama 4 only: the width of the dense (non-MoE) layers' MLP.</summary>
    public int IntermediateSizeMlp { get; init; }

    public int NumLocalExperts { get; init; }
    public int NumExpertsPerToken { get; init; } = 1;

    /// <summary>HF <c>interleave_moe_layer_step</c>: layer i is MoE when (i + 1) % step == 0.</summary>
    public int InterleaveMoeLayerStep { get; init; } = 1;

    public int? AttentionChunkSize { get; init; }

    /// <summary>HF <c>no_rope_layers</c>: 1 = the layer uses RoPE (and chunked attention), 0 = NoPE global layer.</summary>
    public int[] NoRopeLayers { get; init; } = [];

    public required int MaxPositionEmbeddings { get; init; }
    public required double RopeTheta { get; init; }
    public RopeScaling? RopeScaling { get; init; }
    public double RmsNormEps { get; init; } = 1e-5;
    public bool UseQkNorm { get; init; } = true;

    public bool IsLlama4 => Family == ModelFamily.Llama4;

    public bool IsMoeLayer(int layer) =>
        IsLlama4 && NumLocalExperts > 0 && InterleaveMoeLayerStep > 0 && (layer + 1) % InterleaveMoeLayerStep == 0;

    /// <summary>The transformers class the checkpoint is saved as; Llama 4 ships as the multimodal class.</summary>
    public string ArchitectureClass => IsLlama4 ? "Llama4ForConditionalGeneration" : "LlamaForCausalLM";

    /// <summary>Key prefix of text-model tensors in that class's checkpoints.</summary>
    public string TensorPrefix => IsLlama4 ? "language_model." : "";

    /// <summary>HF's default: every 4th layer is NoPE (<c>(i + 1) % 4 != 0</c> uses RoPE).</summary>
    public static int[] DefaultNoRopeLayers(int layers) =>
        Enumerable.Range(0, layers).Select(i => (i + 1) % 4 != 0 ? 1 : 0).ToArray();
}
