using TorchSharp;
using static TorchSharp.torch;

namespace LlmOperator.Engine.Tests.Attention;

/// <summary>
/// The reference: per sequence, full K and V of all its positions and an explicit mask built element by
/// element from the definition (key j visible to query p iff j ≤ p, and in a chunked layer j/C == p/C),
/// computed in float64.
/// </summary>
internal static class DenseAttention
{
    public static bool Visible(int query, int key, int? chunkSize) =>
        key <= query && (chunkSize is not { } c || key / c == query / c);

    /// <param name="q">[n, Hq, D] the sequence's queries (positions computed..computed+n-1).</param>
    /// <param name="k">[L, Hkv, D] keys of all L positions.</param>
    /// <param name="v">[L, Hkv, D] values of all L positions.</param>
    public static Tensor Attend(Tensor q, Tensor k, Tensor v, int computed, int? chunkSize, double scale)
    {
        using var scope = NewDisposeScope();
        int n = (int)q.shape[0], length = (int)k.shape[0], group = (int)(q.shape[1] / k.shape[1]);
        var allowed = new bool[n * length];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < length; j++)
                allowed[i * length + j] = Visible(computed + i, j, chunkSize);
        var mask = tensor(allowed).view(1, n, length);                                          // [1, n, L]
        var keys = k.to(float64).repeat_interleave(group, 1).permute(1, 0, 2);                  // [Hq, L, D]
        var values = v.to(float64).repeat_interleave(group, 1).permute(1, 0, 2);                // [Hq, L, D]
        var scores = matmul(q.to(float64).permute(1, 0, 2), keys.transpose(1, 2)) * scale;      // [Hq, n, L]
        scores = scores.masked_fill(mask.logical_not(), double.NegativeInfinity);
        return matmul(scores.softmax(-1), values).permute(1, 0, 2).MoveToOuterDisposeScope();   // [n, Hq, D]
    }
}
