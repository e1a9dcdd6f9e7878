using LlmOperator.Rules.Architecture;

namespace LlmOperator.Engine.ModelMaking;

/// <summary>
/// The shapes <c>make-model</c> can write. The tiny ones equal the catalog's <c>llmoperator/tiny-llama4</c> and
/// <c>llmoperator/tiny-llama</c> (engine/Rules/Catalog), so rules, tests and a made model agree; the bench ones are
/// about 100M parameters for the benchmark, dense-heavy like Maverick's interleaving.
/// </summary>
public static class ModelPresets
{
    /// <summary>Scout-Instruct's RoPE scaling (llama-models / HF config): llama3 type, factor 16, original 8192.</summary>
    private static readonly RopeScaling ScoutRopeScaling = new("llama3", 16.0, 1.0, 1.0, 8192);

    /// <summary>Llama 3.1's RoPE scaling: llama3 type, factor 8, high-frequency factor 4.</summary>
    private static readonly RopeScaling Llama31RopeScaling = new("llama3", 8.0, 1.0, 4.0, 8192);

    public static readonly ModelSpec TinyLlama4 = new()
    {
        Preset = "tiny-llama4",
        Family = ModelFamily.Llama4,
        HiddenSize = 64,
        NumLayers = 4,
        NumAttentionHeads = 4,
        NumKeyValueHeads = 2,
        HeadDim = 16,
        VocabSize = 512,
        IntermediateSize = 128,
        IntermediateSizeMlp = 256,
        NumLocalExperts = 4,
        NumExpertsPerToken = 1,
        InterleaveMoeLayerStep = 2,
        AttentionChunkSize = 8192,
        NoRopeLayers = ModelSpec.DefaultNoRopeLayers(4),
        MaxPositionEmbeddings = 131072,
        RopeTheta = 500000,
        RopeScaling = ScoutRopeScaling,
    };

    public static readonly ModelSpec TinyLlama = new()
    {
        Preset = "tiny-llama",
        Family = ModelFamily.Llama,
        HiddenSize = 64,
        NumLayers = 2,
        NumAttentionHeads = 4,
        NumKeyValueHeads = 2,
        HeadDim = 16,
        VocabSize = 512,
        IntermediateSize = 128,
        MaxPositionEmbeddings = 4096,
        RopeTheta = 10000,
        UseQkNorm = false,
    };

    /// <summary>~117M parameters: 12 layers, every 4th one MoE (4 experts of 512, top-1, plus the shared expert).</summary>
    public static readonly ModelSpec BenchLlama4 = new()
    {
        Preset = "bench-llama4",
        Family = ModelFamily.Llama4,
        HiddenSize = 768,
        NumLayers = 12,
        NumAttentionHeads = 12,
        NumKeyValueHeads = 4,
        HeadDim = 64,
        VocabSize = 32000,
        IntermediateSize = 512,
        IntermediateSizeMlp = 1536,
        NumLocalExperts = 4,
        NumExpertsPerToken = 1,
        InterleaveMoeLayerStep = 4,
        AttentionChunkSize = 8192,
        NoRopeLayers = ModelSpec.DefaultNoRopeLayers(12),
        MaxPositionEmbeddings = 131072,
        RopeTheta = 500000,
        RopeScaling = ScoutRopeScaling,
    };

    /// <summary>~110M parameters, Llama 3.1 style.</summary>
    public static readonly ModelSpec BenchLlama = new()
    {
        Preset = "bench-llama",
        Family = ModelFamily.Llama,
        HiddenSize = 768,
        NumLayers = 12,
        NumAttentionHeads = 12,
        NumKeyValueHeads = 4,
        HeadDim = 64,
        VocabSize = 32000,
        IntermediateSize = 1536,
        MaxPositionEmbeddings = 131072,
        RopeTheta = 500000,
        RopeScaling = Llama31RopeScaling,
        UseQkNorm = false,
    };

    public static IReadOnlyList<ModelSpec> All { get; } = [TinyLlama4, TinyLlama, BenchLlama4, BenchLlama];

    public static IEnumerable<string> Names => All.Select(p => p.Preset);

    public static ModelSpec Find(string name) => All.FirstOrDefault(p => p.Preset == name)
        ?? throw new ArgumentException($"preset '{name}' is unknown; presets: {string.Join(", ", Names)}.");
}
