using LlmOperator.Engine.Reference.Conversion;
using LlmOperator.Engine.Reference.Gguf;
using LlmOperator.Rules.Architecture;

namespace LlmOperator.Engine.Tests.Reference;

/// <summary>Tiny random-weight models laid out as GGUF straight from memory (no checkpoint on disk).</summary>
internal static class RandomGgufModels
{
    public static readonly RopeScaling Llama3Scaling = new("llama3", 16, 1, 1, 8192);

    public static GgufModelSpec TinyLlama => new(ModelFamily.Llama, VocabSize: 96, HiddenSize: 32, Layers: 2, Heads: 4, KvHeads: 2,
        HeadDim: 8, FeedForwardLength: 64, ContextLength: 4096, RopeTheta: 10000, RmsNormEps: 1e-5, RopeScaling: null,
        TieWordEmbeddings: false);

    public static GgufModelSpec TinyLlama4 => new(ModelFamily.Llama4, VocabSize: 96, HiddenSize: 32, Layers: 4, Heads: 4, KvHeads: 2,
        HeadDim: 8, FeedForwardLength: 64, ContextLength: 131072, RopeTheta: 500000, RmsNormEps: 1e-5, RopeScaling: Llama3Scaling,
        TieWordEmbeddings: false, Experts: 4, ExpertsPerToken: 1, ExpertFeedForwardLength: 32, MoeLayerStep: 2);

    /// <summary>Deterministic values: norms near 1, everything else small, so logits stay well scaled.</summary>
    public static HfTensorSource Source(int seed)
    {
        return (name, shape) =>
        {
            var random = new Random(StableHash(seed, name)); // HashCode.Combine differs per process
            long count = shape.Aggregate(1L, (a, b) => a * b);
            var data = new float[count];
            bool norm = name.EndsWith("norm.weight", StringComparison.Ordinal);
            for (long i = 0; i < count; i++)
                data[i] = norm ? 1f + 0.2f * (random.NextSingle() - 0.5f) : 0.5f * (random.NextSingle() - 0.5f);
            return data;
        };
    }

    private static int StableHash(int seed, string name)
    {
        uint hash = 2166136261u ^ (uint)seed; // FNV-1a
        foreach (char c in name) hash = (hash ^ c) * 16777619u;
        return (int)(hash & 0x7fffffff);
    }

    public static GgufMetadata Write(string path, GgufModelSpec spec, int seed = 1, Action<GgufMetadata>? edit = null)
    {
        var (metadata, tensors) = LlamaGgufLayout.Build(spec, Source(seed), "random-test-model");
        edit?.Invoke(metadata);
        GgufWriter.Write(path, metadata, tensors);
        return metadata;
    }
}
