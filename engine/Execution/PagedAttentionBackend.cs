using LlmOperator.Engine.Attention;
using LlmOperator.Engine.KvCache;
using LlmOperator.Engine.Models;
using static TorchSharp.torch;

namespace LlmOperator.Engine.Execution;

/// <summary>
/// Production attention: each tensor-parallel rank writes its KV heads into its own <see cref="PagedKvCache"/> and
/// attends through <see cref="PagedAttention"/>, with the step's <see cref="AttentionMetadata"/> built on that
/// rank's device (on the CPU all ranks share one).
/// </summary>
internal sealed class PagedAttentionBackend(IReadOnlyList<AttentionMetadata> metadataPerRank, IReadOnlyList<PagedKvCache> cachePerRank)
    : IAttentionBackend
{
    public Tensor Positions => metadataPerRank[0].Positions;

    public Tensor Attend(int rank, int layer, Tensor q, Tensor k, Tensor v, bool chunkedLocal, double scale) =>
        PagedAttention.Forward(q, k, v, cachePerRank[rank], layer, metadataPerRank[rank], chunkedLocal, scale);
}
