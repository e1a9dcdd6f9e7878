namespace LlmOperator.Engine.KvCache;

/// <summary>
/// One sequence's blocks in position order: position p lives in block <c>Blocks[p / BlockSize]</c> at
/// offset <c>p % BlockSize</c>. Grows on demand, all or nothing, so a failed step leaves the pool untouched.
/// </summary>
public sealed class BlockTable
{
    private readonly List<int> _blocks = [];

    public BlockTable(int blockSize)
    {
        if (blockSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(blockSize), blockSize, "blockSize must be positive.");
        BlockSize = blockSize;
    }

    public int BlockSize { get; }

    public IReadOnlyList<int> Blocks => _blocks;

    /// <summary>Tokens the table can hold now.</summary>
    public int CapacityTokens => _blocks.Count * BlockSize;

    /// <summary>Blocks still to take from the pool to hold <paramref name="tokens"/> tokens.</summary>
    public int BlocksNeeded(int tokens) => Math.Max(0, (int)(((long)tokens + BlockSize - 1) / BlockSize) - _blocks.Count);

    /// <summary>Grows the table to hold <paramref name="tokens"/> tokens; false (and nothing taken) when the pool runs out.</summary>
    public bool EnsureCapacity(int tokens, BlockPool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        var needed = BlocksNeeded(tokens);
        if (needed > pool.FreeCount)
            return false;
        for (var i = 0; i < needed; i++)
            _blocks.Add(pool.Allocate() ?? throw new InvalidOperationException("The block pool reported free blocks it did not have."));
        return true;
    }

    /// <summary>Drops this sequence's reference to every block (shared blocks stay with their other holders).</summary>
    public void ReleaseAll(BlockPool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        // Last block first: the pool's free list is a stack, so the next sequence gets them back in
        // ascending order, consecutive slots that attention can read in place instead of gathering.
        for (var i = _blocks.Count - 1; i >= 0; i--)
            pool.Release(_blocks[i]);
        _blocks.Clear();
    }
}
