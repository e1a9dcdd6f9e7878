using LlmOperator.Engine.Parallelism;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace LlmOperator.Engine.Models.Layers;

/// <summary>
/// The embedding table and the lm_head, both [vocab, hidden], sharded by vocabulary rows over the tensor-parallel
/// ranks (vLLM's <c>VocabParallelEmbedding</c> / <c>ParallelLMHead</c>; the rules require N to divide the vocabulary).
/// Rank r holds rows [r·V/N, (r+1)·V/N).
/// </summary>
internal sealed class VocabParallel(Tensor[] shards, TensorParallelGroup group) : IDisposable
{
    private readonly long _rowsPerRank = shards[0].shape[0];

    public static VocabParallel Load(ShardedWeights weights, string name, int vocab, int hidden) =>
        new(weights.SplitEvenly(name, [vocab, hidden], 0), weights.Group);

    /// <summary>
    /// Embedding lookup. ids: [T] int64 → [T, hidden]. Each rank looks up the ids in its row range and contributes
    /// zeros for the others, so the all-reduce yields every row exactly once.
    /// </summary>
    public Tensor Embed(Tensor ids)
    {
        using var scope = NewDisposeScope();
        var parts = new Tensor[group.Size];
        for (int r = 0; r < group.Size; r++)
        {
            var local = ids.to(group.DeviceOf(r)) - r * _rowsPerRank;                  // [T]
            var mine = local.ge(0).logical_and(local.lt(_rowsPerRank));                 // [T]
            var rows = shards[r].index_select(0, local.clamp(0, _rowsPerRank - 1));     // [T, hidden]
            parts[r] = rows * mine.unsqueeze(1).to(rows.dtype);                         // [T, hidden] * [T, 1]
        }
        return group.AllReduce(parts).MoveToOuterDisposeScope();
    }

    /// <summary>Logits: hidden [R, hidden] → [R, vocab] float32, each rank computing its vocabulary slice.</summary>
    public Tensor Project(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var parts = Enumerable.Range(0, group.Size)
            .Select(r => linear(hidden.to(group.DeviceOf(r)), shards[r]).to(ScalarType.Float32)) // [R, V/N]
            .ToArray();
        return group.AllGather(parts, 1).MoveToOuterDisposeScope();                  // [R, V]
    }

    public void Dispose()
    {
        foreach (var s in shards)
            s.Dispose();
    }
}
