using LlmOperator.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmOperator.Engine.Tests.Models;

/// <summary>
/// The reference: one sequence of T tokens at positions 0..T-1 in a single forward, no cache, with the explicit mask
/// of the definition: a query at p sees key j iff j ≤ p, and on chunked-local layers also ⌊j/C⌋ = ⌊p/C⌋.
/// </summary>
internal sealed class DenseReferenceAttention(int tokens, int? chunkSize) : IAttentionBackend, IDisposable
{
    private readonly Tensor _positions = arange(tokens, dtype: ScalarType.Int64);

    public Tensor Positions => _positions;

    public Tensor Attend(int rank, int layer, Tensor q, Tensor k, Tensor v, bool chunkedLocal, double scale)
    {
        using var scope = NewDisposeScope();
        long groups = q.shape[1] / k.shape[1];
        var keys = k.repeat_interleave(groups, dim: 1).permute(1, 2, 0);              // [T, Hkv, D] → [Hq, D, T]
        var values = v.repeat_interleave(groups, dim: 1).permute(1, 0, 2);            // [T, Hkv, D] → [Hq, T, D]
        var scores = matmul(q.permute(1, 0, 2), keys) * scale;                        // [Hq, T, D] @ [Hq, D, T] → [Hq, T, T]
        var p = _positions.unsqueeze(1);                                              // [T, 1]
        var j = _positions.unsqueeze(0);                                              // [1, T]
        var allowed = j.le(p);
        if (chunkedLocal && chunkSize is { } c)
            allowed = allowed.logical_and(j.div(c, rounding_mode: RoundingMode.floor).eq(p.div(c, rounding_mode: RoundingMode.floor)));
        scores = scores.masked_fill(allowed.logical_not(), double.NegativeInfinity);
        var output = matmul(scores.softmax(-1), values);                              // [Hq, T, T] @ [Hq, T, D] → [Hq, T, D]
        return output.permute(1, 0, 2).contiguous().MoveToOuterDisposeScope();        // [T, Hq, D]
    }

    public void Dispose() => _positions.Dispose();
}
