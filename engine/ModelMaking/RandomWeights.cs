using System.Text;
using LlmOperator.Engine.Weights;
using TorchSharp;

namespace LlmOperator.Engine.ModelMaking;

/// <summary>
/// The tensors of a <see cref="ModelSpec"/> under the key names transformers saves (<c>LlamaForCausalLM</c>, or
/// <c>Llama4ForConditionalGeneration</c> with its <c>language_model.</c> prefix and fused experts), filled with
/// deterministic random values.
/// <para>
/// Scales are chosen so every part of the model matters to the logits, which is what tests comparing
/// implementations need (a sub-layer whose output is negligible hides bugs in it):
/// embeddings N(0, 1) (the first RMSNorm rescales them anyway); every projection, router and expert
/// N(0, 1/fan_in), so each sub-layer's output is O(1) next to the residual and attention scores are O(1);
/// lm_head N(0, 1/hidden), so logits have a standard deviation near 1 (neither flat nor one-hot); norm weights
/// 1 + N(0, 0.1²), so a norm weight that is not loaded (left at 1) changes the output.
/// </para>
/// <para>
/// Values come from <see cref="Random"/> seeded per tensor from the seed and the tensor's name, which is stable across
/// machines and .NET versions and independent of tensor order, shard count and dtype.
/// </para>
/// </summary>
public static class RandomWeights
{
    public static IReadOnlyList<PendingTensor> Tensors(ModelSpec spec, int seed)
    {
        string p = spec.TensorPrefix;
        int h = spec.HiddenSize;
        var tensors = new List<PendingTensor> { Normal(p + "model.embed_tokens.weight", [spec.VocabSize, h], 1.0, seed) };
        for (int layer = 0; layer < spec.NumLayers; layer++)
            tensors.AddRange(Layer(spec, layer, $"{p}model.layers.{layer}.", seed));
        tensors.Add(Norm(p + "model.norm.weight", h, seed));
        tensors.Add(Normal(p + "lm_head.weight", [spec.VocabSize, h], 1.0 / Math.Sqrt(h), seed));
        return tensors;
    }

    private static IEnumerable<PendingTensor> Layer(ModelSpec spec, int layer, string prefix, int seed)
    {
        int h = spec.HiddenSize;
        int q = spec.NumAttentionHeads * spec.HeadDim;
        int kv = spec.NumKeyValueHeads * spec.HeadDim;
        yield return Norm(prefix + "input_layernorm.weight", h, seed);
        yield return Projection(prefix + "self_attn.q_proj.weight", q, h, seed);
        yield return Projection(prefix + "self_attn.k_proj.weight", kv, h, seed);
        yield return Projection(prefix + "self_attn.v_proj.weight", kv, h, seed);
        yield return Projection(prefix + "self_attn.o_proj.weight", h, q, seed);
        yield return Norm(prefix + "post_attention_layernorm.weight", h, seed);
        var feedForward = !spec.IsLlama4
            ? Mlp(prefix + "mlp.", h, spec.IntermediateSize, seed)
            : spec.IsMoeLayer(layer)
                ? Moe(spec, prefix + "feed_forward.", seed)
                : Mlp(prefix + "feed_forward.", h, spec.IntermediateSizeMlp, seed);
        foreach (var tensor in feedForward)
            yield return tensor;
    }

    private static IEnumerable<PendingTensor> Mlp(string prefix, int hidden, int intermediate, int seed) =>
    [
        Projection(prefix + "gate_proj.weight", intermediate, hidden, seed),
        Projection(prefix + "up_proj.weight", intermediate, hidden, seed),
        Projection(prefix + "down_proj.weight", hidden, intermediate, seed),
    ];

    /// <summary>HF <c>Llama4TextMoe</c>: router [E, H], fused experts gate_up_proj [E, H, 2I] (gate half first) and
    /// down_proj [E, I, H] (both without ".weight"), and the shared expert as a plain MLP of width I.</summary>
    private static IEnumerable<PendingTensor> Moe(ModelSpec spec, string prefix, int seed)
    {
        int e = spec.NumLocalExperts;
        int h = spec.HiddenSize;
        int i = spec.IntermediateSize;
        yield return Projection(prefix + "router.weight", e, h, seed);
        yield return Normal(prefix + "experts.gate_up_proj", [e, h, 2 * i], 1.0 / Math.Sqrt(h), seed);
        yield return Normal(prefix + "experts.down_proj", [e, i, h], 1.0 / Math.Sqrt(i), seed);
        foreach (var tensor in Mlp(prefix + "shared_expert.", h, i, seed))
            yield return tensor;
    }

    /// <summary>An nn.Linear weight [out, in] scaled by 1/sqrt(in).</summary>
    private static PendingTensor Projection(string name, int outFeatures, int inFeatures, int seed) =>
        Normal(name, [outFeatures, inFeatures], 1.0 / Math.Sqrt(inFeatures), seed);

    private static PendingTensor Normal(string name, long[] shape, double std, int seed) =>
        new(name, shape, () => Fill(name, shape, seed, z => (float)(std * z)));

    private static PendingTensor Norm(string name, int size, int seed) =>
        new(name, [size], () => Fill(name, [size], seed, z => (float)(1.0 + 0.1 * z)));

    private static torch.Tensor Fill(string name, long[] shape, int seed, Func<double, float> map)
    {
        var random = new Random(TensorSeed(seed, name));
        var values = new float[shape.Aggregate(1L, (a, d) => a * d)];
        for (int k = 0; k < values.Length; k += 2)
        {
            var (z0, z1) = StandardNormalPair(random);
            values[k] = map(z0);
            if (k + 1 < values.Length)
                values[k + 1] = map(z1);
        }
        return torch.tensor(values, shape);
    }

    /// <summary>Box–Muller: two independent N(0, 1) samples from two uniforms.</summary>
    private static (double, double) StandardNormalPair(Random random)
    {
        double u1 = 1.0 - random.NextDouble(); // (0, 1]: log stays finite
        double u2 = random.NextDouble();
        double radius = Math.Sqrt(-2.0 * Math.Log(u1));
        return (radius * Math.Cos(2 * Math.PI * u2), radius * Math.Sin(2 * Math.PI * u2));
    }

    /// <summary>FNV-1a over the name's UTF-8 bytes, mixed with the seed: string.GetHashCode is randomised per process.</summary>
    internal static int TensorSeed(int seed, string name)
    {
        ulong hash = 14695981039346656037UL ^ (ulong)(uint)seed * 0x9E3779B97F4A7C15UL;
        foreach (byte b in Encoding.UTF8.GetBytes(name))
            hash = (hash ^ b) * 1099511628211UL;
        return (int)(hash ^ (hash >> 32)) & int.MaxValue;
    }
}
