using LlmOperator.Engine.KvCache;
using TorchSharp;

namespace LlmOperator.Engine.Attention;

/// <summary>CONTRACT STUB (owner: attention helper).</summary>
public static class PagedAttention
{
    /// <summary>
    /// Writes this step's k and v into the cache (layer <paramref name="layer"/>) at the metadata's slots, then
    /// attends: global layers causally over [0, p], chunked-local layers over [C·floor(p/C), p].
    /// q: [T, Hq, D]; k, v: [T, Hkv, D] (Hq a multiple of Hkv: grouped-query). Returns [T, Hq, D].
    /// </summary>
    public static torch.Tensor Forward(torch.Tensor q, torch.Tensor k, torch.Tensor v, PagedKvCache cache, int layer,
        AttentionMetadata metadata, bool chunkedLocal, double scale) => throw new NotImplementedException();
}
