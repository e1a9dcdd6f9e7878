using LlmOperator.Engine.Reference.Conversion;

namespace LlmOperator.Engine.Benchmark;

/// <summary>
/// Bytes a decode step must read from memory at least, for the bandwidth floor: every weight the step touches once
/// (float32), plus each sequence's K/V cache. A decode step of B sequences reads the dense weights once for all B
/// tokens, the routed experts the B·k routing choices hit (expected distinct count under uniform routing:
/// <c>E·(1 − (1 − k/E)^B)</c>), one embedding row per token, and every cached K/V of every sequence.
/// </summary>
public static class WeightTraffic
{
    private const int BytesPerValue = sizeof(float);

    /// <summary>All parameters of the model (what the GGUF and the engine hold).</summary>
    public static long Parameters(GgufModelSpec s)
    {
        long total = 2L * s.VocabSize * s.HiddenSize + s.HiddenSize; // embeddings, lm_head, final norm
        if (s.TieWordEmbeddings) total -= (long)s.VocabSize * s.HiddenSize;
        for (int layer = 0; layer < s.Layers; layer++)
            total += Attention(s) + (long)FeedForward(s, layer, s.Experts);
        return total;
    }

    /// <summary>Minimum bytes read by one decode step of <paramref name="sequences"/> sequences whose average context
    /// (tokens already cached) is <paramref name="averageContext"/>.</summary>
    public static double BytesPerDecodeStep(GgufModelSpec s, int sequences, double averageContext)
    {
        double values = (double)s.VocabSize * s.HiddenSize + s.HiddenSize   // lm_head, final norm
                        + (double)sequences * s.HiddenSize;                  // embedding rows
        double expertsTouched = s.Experts == 0
            ? 0
            : s.Experts * (1 - Math.Pow(1 - (double)s.ExpertsPerToken / s.Experts, sequences));
        for (int layer = 0; layer < s.Layers; layer++)
            values += Attention(s) + FeedForward(s, layer, expertsTouched);
        double kvCache = (double)sequences * s.Layers * 2 * s.KvHeads * s.HeadDim * averageContext;
        return (values + kvCache) * BytesPerValue;
    }

    private static long Attention(GgufModelSpec s)
    {
        long q = (long)s.Heads * s.HeadDim, kv = (long)s.KvHeads * s.HeadDim;
        return s.HiddenSize * (q + 2 * kv) + q * s.HiddenSize + 2L * s.HiddenSize; // q, k, v, o, two norms
    }

    private static double FeedForward(GgufModelSpec s, int layer, double experts)
    {
        if (!s.IsMoeLayer(layer)) return 3.0 * s.HiddenSize * s.FeedForwardLength;
        double expert = 3.0 * s.HiddenSize * s.ExpertFeedForwardLength;
        return (double)s.Experts * s.HiddenSize + expert + experts * expert; // router, shared expert, routed experts
    }
}
