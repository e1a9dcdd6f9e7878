namespace LlmOperator.Engine.KvCache;

/// <summary>CONTRACT STUB (owner: attention helper): one sequence's blocks, in order.</summary>
public sealed class BlockTable(int blockSize)
{
    public int BlockSize => blockSize;

    public IReadOnlyList<int> Blocks => throw new NotImplementedException();

    /// <summary>Grows the table to hold <paramref name="tokens"/> tokens; false (and nothing taken) when the pool runs out.</summary>
    public bool EnsureCapacity(int tokens, BlockPool pool) => throw new NotImplementedException();

    public void ReleaseAll(BlockPool pool) => throw new NotImplementedException();
}
