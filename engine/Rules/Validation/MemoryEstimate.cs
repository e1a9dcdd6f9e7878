using LlmOperator.Rules.Architecture;

namespace LlmOperator.Rules.Validation;

/// <summary>
/// What one tensor-parallel rank needs: weights, an activation reserve, and the KV cache that fits in the rest of
/// <c>gpuMemoryUtilization × GPU memory</c>, as whole blocks (vLLM's <c>check_enough_kv_cache_memory</c> logic,
/// with the activation peak estimated instead of profiled).
/// </summary>
public sealed record MemoryEstimate(
    long BudgetBytes,
    long WeightBytes,
    long ReserveBytes,
    long KvBytesPerToken,
    long KvTokens)
{
    /// <summary>CUDA context, allocator slack and communication buffers, held whatever the model.</summary>
    public const long FixedReserveBytes = 512L << 20;

    public long KvBytes => Math.Max(0, BudgetBytes - WeightBytes - ReserveBytes);

    /// <summary>Estimates one rank of <paramref name="model"/> at the given settings.</summary>
    public static MemoryEstimate For(
        ModelArchitecture model, int tp, int dtypeBytes, int blockSize, double utilization,
        long gpuBytes, int maxBatchedTokens, int maxNumSeqs)
    {
        long budget = (long)(utilization * gpuBytes);
        long weights = ParameterCounter.PerRank(model, tp) * dtypeBytes;
        long reserve = ActivationReserve(model, tp, maxBatchedTokens, maxNumSeqs);
        long perToken = KvBytesPerTokenPerRank(model, tp, dtypeBytes);
        long available = Math.Max(0, budget - weights - reserve);
        long blocks = available / (perToken * blockSize);
        return new MemoryEstimate(budget, weights, reserve, perToken, blocks * blockSize);
    }

    /// <summary>K and V for every layer: layers × 2 × (KV heads on this rank) × head_dim × dtype bytes.</summary>
    public static long KvBytesPerTokenPerRank(ModelArchitecture m, int tp, int dtypeBytes)
    {
        long kvHeadsPerRank = Math.Max(1, (m.NumKeyValueHeads + tp - 1) / tp);
        return (long)m.NumLayers * 2 * kvHeadsPerRank * m.HeadDim * dtypeBytes;
    }

    /// <summary>
    /// Transient activations of one step in fp32 (hidden states, q/k/v, MLP intermediates of the widest FFN on this
    /// rank for every batched token) plus the logits of every running sequence, plus the fixed reserve.
    /// </summary>
    private static long ActivationReserve(ModelArchitecture m, int tp, int tokens, int seqs)
    {
        long widestFfn = Math.Max(m.MoeLayerCount > 0 ? m.IntermediateSize : 0, m.DenseLayerCount > 0 ? m.DenseIntermediateSize : 0);
        long perToken = 8L * m.HiddenSize + 3L * (widestFfn / tp);
        long logits = (long)seqs * ((m.VocabSize + tp - 1) / tp);
        return FixedReserveBytes + 4L * ((long)tokens * perToken + logits);
    }
}
