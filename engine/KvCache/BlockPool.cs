namespace LlmOperator.Engine.KvCache;

/// <summary>
/// The KV cache's fixed-size blocks: a free list and a reference count per block, so that prefix sharing
/// can later map one block into several sequences' tables. Pure bookkeeping; the tensors live in
/// <see cref="PagedKvCache"/>. Running out is a value (<c>null</c>), not an exception: the scheduler preempts.
/// </summary>
public sealed class BlockPool
{
    private readonly int[] _references;
    private readonly Stack<int> _free;

    public BlockPool(int numBlocks)
    {
        if (numBlocks <= 0)
            throw new ArgumentOutOfRangeException(nameof(numBlocks), numBlocks, "The KV cache needs at least one block; raise the memory given to the KV cache or lower the block size.");
        _references = new int[numBlocks];
        // Pushed in reverse so blocks come out 0, 1, 2, …; a stack reuses the most recently freed block first.
        _free = new Stack<int>(Enumerable.Range(0, numBlocks).Reverse());
    }

    public int NumBlocks => _references.Length;

    public int FreeCount => _free.Count;

    /// <summary>A free block with one reference, or null when none is free.</summary>
    public int? Allocate()
    {
        if (!_free.TryPop(out var block))
            return null;
        _references[block] = 1;
        return block;
    }

    /// <summary>Another holder of an allocated block (prefix sharing).</summary>
    public void AddReference(int block)
    {
        if (ReferenceCount(block) == 0)
            throw new InvalidOperationException($"Block {block} is free; only allocated blocks can be shared.");
        _references[block]++;
    }

    /// <summary>Drops one reference; the block returns to the free list at zero.</summary>
    public void Release(int block)
    {
        if (ReferenceCount(block) == 0)
            throw new InvalidOperationException($"Block {block} is already free; releasing it twice would hand it to two sequences.");
        if (--_references[block] == 0)
            _free.Push(block);
    }

    public int ReferenceCount(int block)
    {
        if ((uint)block >= (uint)_references.Length)
            throw new ArgumentOutOfRangeException(nameof(block), block, $"Block ids are 0..{_references.Length - 1}.");
        return _references[block];
    }
}
