using LlmOperator.Engine.KvCache;

namespace LlmOperator.Engine.Tests.KvCache;

public sealed class BlockTableTests
{
    [Fact]
    public void EnsureCapacity_Should_TakeOnlyMissingBlocks_When_TheSequenceGrows()
    {
        var pool = new BlockPool(8);
        var table = new BlockTable(4);

        Assert.True(table.EnsureCapacity(5, pool));     // 2 blocks
        Assert.True(table.EnsureCapacity(8, pool));     // still 2
        Assert.True(table.EnsureCapacity(9, pool));     // 3

        Assert.Equal([0, 1, 2], table.Blocks);
        Assert.Equal((12, 5), (table.CapacityTokens, pool.FreeCount));
    }

    [Fact]
    public void EnsureCapacity_Should_TakeNothing_When_ThePoolCannotCoverTheGrowth()
    {
        var pool = new BlockPool(3);
        var other = new BlockTable(4);
        Assert.True(other.EnsureCapacity(4, pool));
        var table = new BlockTable(4);

        Assert.False(table.EnsureCapacity(12, pool));   // needs 3, 2 free

        Assert.Empty(table.Blocks);
        Assert.Equal(2, pool.FreeCount);
    }

    [Fact]
    public void ReleaseAll_Should_ReturnEveryBlock_When_TheSequenceFinishes()
    {
        var pool = new BlockPool(6);
        var table = new BlockTable(2);
        Assert.True(table.EnsureCapacity(9, pool));

        table.ReleaseAll(pool);

        Assert.Empty(table.Blocks);
        Assert.Equal(6, pool.FreeCount);
    }

    [Fact]
    public void ReleaseAll_Should_KeepSharedBlocks_When_AnotherHolderRemains()
    {
        var pool = new BlockPool(4);
        var table = new BlockTable(2);
        Assert.True(table.EnsureCapacity(4, pool));
        pool.AddReference(table.Blocks[0]);             // a prefix shared with another sequence

        table.ReleaseAll(pool);

        Assert.Equal((3, 1), (pool.FreeCount, pool.ReferenceCount(0)));
    }
}
