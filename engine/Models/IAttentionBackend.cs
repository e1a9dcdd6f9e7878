using static TorchSharp.torch;

namespace LlmOperator.Engine.Models;

/// <summary>
/// What the model's attention layers attend with during one forward: the paged KV cache in production
/// (<c>Execution.PagedAttentionBackend</c>), a dense masked reference in tests. The model computes q, k, v (with RoPE,
/// QK-norm and temperature tuning applied); the backend stores k, v and attends.
/// </summary>
public interface IAttentionBackend
{
    /// <summary>[T] int64 on the primary device: each new token's absolute position.</summary>
    Tensor Positions { get; }

    /// <summary>
    /// q: [T, Hq_r, D], k and v: [T, Hkv_r, D] for tensor-parallel rank <paramref name="rank"/> (on its device).
    /// Chunked-local layers attend over keys [C·⌊p/C⌋, p], global layers over [0, p]. Returns [T, Hq_r, D].
    /// </summary>
    Tensor Attend(int rank, int layer, Tensor q, Tensor k, Tensor v, bool chunkedLocal, double scale);
}
