namespace LlmOperator.Rules.Architecture;

/// <summary>Counts parameters from the tensor shapes of a Llama / Llama 4 checkpoint, whole and per tensor-parallel rank.</summary>
public static class ParameterCounter
{
    /// <summary>All parameters of the text model.</summary>
    public static long Count(ModelArchitecture a) => PerRank(a, 1);

    /// <summary>
    /// Parameters one tensor-parallel rank holds: attention heads, MLP and expert intermediate dimensions and the
    /// vocabulary are split over <paramref name="tp"/>; KV heads are split, or replicated when TP exceeds them;
    /// norms and the router are replicated.
    /// </summary>
    public static long PerRank(ModelArchitecture a, int tp)
    {
        long h = a.HiddenSize;
        long qHeads = CeilDiv(a.NumAttentionHeads, tp);
        long kvHeads = Math.Max(1, CeilDiv(a.NumKeyValueHeads, tp));
        // q and o: (H, heads·D); k and v: (H, kvHeads·D)
        long attention = 2 * h * qHeads * a.HeadDim + 2 * h * kvHeads * a.HeadDim;
        long norms = 2 * h;
        long moe = a.NumExperts * 3 * h * CeilDiv(a.IntermediateSize, tp)   // routed experts: gate, up, down
                   + 3 * h * CeilDiv(a.IntermediateSize, tp)                // shared expert
                   + h * a.NumExperts;                                      // router (replicated)
        long dense = 3 * h * CeilDiv(a.DenseIntermediateSize, tp);
        long layers = a.NumLayers * (attention + norms) + a.MoeLayerCount * moe + a.DenseLayerCount * dense;
        long vocabRows = CeilDiv(a.VocabSize, tp);
        long embeddings = vocabRows * h * (a.TieWordEmbeddings ? 1 : 2);
        return layers + embeddings + h; // + final norm
    }

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;
}
