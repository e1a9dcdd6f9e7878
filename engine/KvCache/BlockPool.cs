namespace LlmOperator.Engine.KvCache;

/// <summary>CONTRACT STUB (owner: attention helper): fixed-size KV blocks, free list, reference counts.</summary>
public sealed class BlockPool(int numBlocks)
{
    public int NumBlocks => numBlocks;

    public int FreeCount => throw new NotImplementedException();

    /// <summary>Null when none is free (allocation failure is a value, not an exception).</summary>
    public int? Allocate() => throw new NotImplementedException();

    public void AddReference(int block) => throw new NotImplementedException();

    /// <summary>Drops one reference; the block returns to the free list at zero.</summary>
    public void Release(int block) => throw new NotImplementedException();
}
