namespace LlmOperator.Engine.Models.Layers;

/// <summary>
/// How attention heads split over tensor-parallel ranks (vLLM's <c>QKVParallelLinear</c>): every rank gets
/// <c>Hq/N</c> query heads; KV heads are split when N divides them, else (N a multiple of Hkv) each rank keeps the one
/// KV head its query heads read, replicated on N/Hkv ranks.
/// Example Hq = 4, Hkv = 2 (group 2): N = 2 → rank 0 has q 0,1 + kv 0, rank 1 has q 2,3 + kv 1;
/// N = 4 → ranks 0,1 keep kv 0 (q 0 / q 1) and ranks 2,3 keep kv 1 (q 2 / q 3).
/// </summary>
internal sealed record HeadLayout(int QueryHeads, int KvHeads, int RankCount)
{
    public static HeadLayout For(int queryHeads, int kvHeads, int tp)
    {
        if (queryHeads % tp != 0)
            throw new ArgumentException($"tensor-parallel-size {tp} does not divide the {queryHeads} attention heads.");
        if (kvHeads >= tp ? kvHeads % tp != 0 : tp % kvHeads != 0)
            throw new ArgumentException($"tensor-parallel-size {tp} can neither split nor replicate the {kvHeads} KV heads.");
        return new HeadLayout(queryHeads, kvHeads, tp);
    }

    public int QueryHeadsPerRank => QueryHeads / RankCount;

    public int KvHeadsPerRank => Math.Max(1, KvHeads / RankCount);

    public int FirstQueryHead(int rank) => rank * QueryHeadsPerRank;

    /// <summary>The KV head that rank's first query head reads (query head h reads KV head h / (Hq/Hkv)).</summary>
    public int FirstKvHead(int rank) => FirstQueryHead(rank) / (QueryHeads / KvHeads);
}
