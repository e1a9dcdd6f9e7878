using LlmOperator.Engine.Core.Requests;

namespace LlmOperator.Engine.KvCache;

/// <summary>
/// Which blocks each request holds. Allocation failure is a return value (false, nothing taken): the scheduler then
/// preempts. Pure CPU bookkeeping over a <see cref="BlockPool"/>; the tensors live in <see cref="PagedKvCache"/>.
/// </summary>
public sealed class KvCacheManager(BlockPool pool, int blockSize)
{
    private readonly Dictionary<string, BlockTable> _tables = new();

    public int BlockSize { get; } = blockSize;

    public int NumBlocks => pool.NumBlocks;

    public int FreeBlocks => pool.FreeCount;

    /// <summary>The fraction of blocks in use, 0..1 (vllm:kv_cache_usage_perc).</summary>
    public double Usage => 1.0 - (double)pool.FreeCount / pool.NumBlocks;

    /// <summary>Grows the request's table to hold its computed tokens plus <paramref name="numNewTokens"/>.</summary>
    public bool TryAllocate(Request request, int numNewTokens)
    {
        if (!_tables.TryGetValue(request.Id, out var table))
        {
            table = new BlockTable(BlockSize);
            _tables[request.Id] = table;
        }
        return table.EnsureCapacity(request.NumComputedTokens + numNewTokens, pool);
    }

    public IReadOnlyList<int> BlocksOf(Request request) =>
        _tables.TryGetValue(request.Id, out var table) ? table.Blocks : [];

    /// <summary>Returns every block of the request to the pool (finished, aborted or preempted).</summary>
    public void Free(Request request)
    {
        if (_tables.Remove(request.Id, out var table)) table.ReleaseAll(pool);
    }
}
