using LlmOperator.Engine.Models;
using LlmOperator.Engine.Parallelism;
using LlmOperator.Rules.Architecture;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmOperator.Engine.Tests.Models;

/// <summary>Configs from the rules' catalog (the real config.json files) and models with reproducible random weights.</summary>
internal static class TestModels
{
    public const string TinyLlama4 = "llmoperator--tiny-llama4";
    public const string TinyLlama = "llmoperator--tiny-llama";
    public const string Scout = "meta-llama--Llama-4-Scout-17B-16E-Instruct";

    public static string CatalogJson(string file)
    {
        using var stream = typeof(ModelCatalog).Assembly.GetManifestResourceStream($"catalog/{file}.json")
            ?? throw new InvalidOperationException($"catalog/{file}.json is not embedded in the rules library.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static ModelConfig Config(string file) => ModelConfig.Parse(CatalogJson(file), file);

    /// <summary>The catalog config with some fields replaced (e.g. a smaller chunk for fast chunked-attention checks).</summary>
    public static ModelConfig Config(string file, Action<ModelConfig> edit)
    {
        var config = Config(file);
        edit(config);
        return config;
    }

    public static CausalLm Build(ModelConfig config, int tensorParallelSize = 1, int seed = 1) =>
        new(config, RandomWeights.Loader(seed), TensorParallelGroup.Create(CPU, tensorParallelSize), ScalarType.Float32);
}

/// <summary>
/// Random weights that depend only on the seed and the tensor's name, so that models built with different
/// tensor-parallel sizes (or loaded twice) hold identical weights. Scaled like a trained model's (std 1/√fan-in for
/// projections, norms near 1) so the logits spread and greedy choices are far from ties.
/// </summary>
internal static class RandomWeights
{
    public static TensorLoader Loader(int seed) => (name, shape) => Make(seed, name, shape);

    public static Tensor Make(int seed, string name, long[] shape)
    {
        var generator = new Generator((ulong)seed * 1_000_003UL ^ StableHash(name));
        var values = randn(shape, generator: generator);
        if (name.EndsWith("norm.weight", StringComparison.Ordinal))
            return values.mul_(0.1).add_(1);
        if (name == "model.embed_tokens.weight")
            return values;
        long fanIn = shape.Length == 3 ? shape[1] : shape[^1];   // fused experts [E, in, out]; linears [out, in]
        return values.mul_(1.0 / Math.Sqrt(fanIn));
    }

    /// <summary>FNV-1a: string.GetHashCode is randomised per process.</summary>
    private static ulong StableHash(string text)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in text)
            hash = (hash ^ c) * 1099511628211UL;
        return hash;
    }
}
