namespace LlmOperator.Rules.Architecture;

/// <summary>The model families the engine and the rules understand.</summary>
public enum ModelFamily
{
    /// <summary>Llama 2/3 style dense decoder (HF <c>model_type: llama</c>).</summary>
    Llama,

    /// <summary>Llama 4 text model: MoE, chunked local attention on RoPE layers, NoPE global layers.</summary>
    Llama4,
}

/// <summary>How RoPE frequencies are scaled (HF <c>rope_scaling</c>).</summary>
/// <param name="Type">HF <c>rope_type</c>, e.g. <c>llama3</c>, <c>linear</c>, <c>dynamic</c>, <c>yarn</c>.</param>
public sealed record RopeScaling(
    string Type,
    double Factor,
    double LowFreqFactor,
    double HighFreqFactor,
    int OriginalMaxPositionEmbeddings);

/// <summary>
/// The shape of a model as far as the rules need it: read from a Hugging Face <c>config.json</c>
/// or from the built-in catalog (which holds real config.json files).
/// </summary>
public sealed record ModelArchitecture
{
    public required string Name { get; init; }
    public required ModelFamily Family { get; init; }
    public required int HiddenSize { get; init; }
    public required int NumLayers { get; init; }
    public required int NumAttentionHeads { get; init; }
    public required int NumKeyValueHeads { get; init; }
    public required int HeadDim { get; init; }
    public required int VocabSize { get; init; }

    /// <summary>Intermediate size of each expert and the shared expert (Llama 4), or of the dense MLP (Llama).</summary>
    public required int IntermediateSize { get; init; }

    /// <summary>Intermediate size of Llama 4's dense (non-MoE) layers; equals <see cref="IntermediateSize"/> for Llama.</summary>
    public required int DenseIntermediateSize { get; init; }

    /// <summary>Routed experts per MoE layer; 0 for dense models.</summary>
    public int NumExperts { get; init; }
    public int ExpertsPerToken { get; init; }

    /// <summary>Number of layers whose FFN is MoE (the rest are dense SwiGLU).</summary>
    public int MoeLayerCount { get; init; }

    /// <summary>Local-attention chunk size C (keys of a query at p lie in [C·⌊p/C⌋, p]); null when every layer is global.</summary>
    public int? AttentionChunkSize { get; init; }

    /// <summary>Number of layers that use chunked local attention (Llama 4's RoPE layers).</summary>
    public int ChunkedLayerCount { get; init; }

    public required int MaxPositionEmbeddings { get; init; }
    public RopeScaling? RopeScaling { get; init; }
    public double RopeTheta { get; init; } = 10000;
    public double RmsNormEps { get; init; } = 1e-5;
    public bool TieWordEmbeddings { get; init; }
    public bool UseQkNorm { get; init; }

    /// <summary>HF <c>torch_dtype</c> of the checkpoint (what <c>dtype: auto</c> resolves to).</summary>
    public string TorchDtype { get; init; } = "bfloat16";

    public int DenseLayerCount => NumLayers - MoeLayerCount;

    /// <summary>
    /// The longest context the model supports. As in vLLM's <c>_get_and_verify_max_len</c>, rope scaling of
    /// type llama3/longrope/su does not extend it (the scaling is already baked into max_position_embeddings);
    /// other types multiply it by their factor.
    /// </summary>
    public long DerivedMaxModelLen => RopeScaling is { } r && !IsBakedInRopeType(r.Type)
        ? (long)(MaxPositionEmbeddings * r.Factor)
        : MaxPositionEmbeddings;

    /// <summary>Total parameters (text model only), counted from the shapes the checkpoint holds.</summary>
    public long ParameterCount => ParameterCounter.Count(this);

    private static bool IsBakedInRopeType(string type) => type is "llama3" or "longrope" or "su";
}
