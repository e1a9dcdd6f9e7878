using LlmOperator.Engine.KvCache;

namespace LlmOperator.Engine.Tests.KvCache;

public sealed class BlockPoolTests
{
    [Fact]
    public void Allocate_Should_ReturnNull_When_EveryBlockIsTaken()
    {
        var pool = new BlockPool(3);

        int?[] taken = [pool.Allocate(), pool.Allocate(), pool.Allocate()];

        Assert.Equal([0, 1, 2], taken);
        Assert.Null(pool.Allocate());
        Assert.Equal(0, pool.FreeCount);
    }

    [Fact]
    public void Release_Should_ReturnTheBlock_When_TheLastReferenceGoes()
    {
        var pool = new BlockPool(2);
        var block = pool.Allocate()!.Value;
        pool.AddReference(block);

        pool.Release(block);
        Assert.Equal((1, 1), (pool.ReferenceCount(block), pool.FreeCount));
        pool.Release(block);

        Assert.Equal((0, 2), (pool.ReferenceCount(block), pool.FreeCount));
        Assert.Equal(block, pool.Allocate());   // most recently freed first
    }

    [Fact]
    public void Release_Should_Throw_When_TheBlockIsAlreadyFree()
    {
        var pool = new BlockPool(2);
        var block = pool.Allocate()!.Value;
        pool.Release(block);

        Assert.Contains("already free", Assert.Throws<InvalidOperationException>(() => pool.Release(block)).Message);
        Assert.Equal(2, pool.FreeCount);
    }

    [Fact]
    public void AddReference_Should_Throw_When_TheBlockIsFree()
    {
        var pool = new BlockPool(2);

        Assert.Throws<InvalidOperationException>(() => pool.AddReference(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.AddReference(2));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-4)]
    public void Constructor_Should_Throw_When_ThereAreNoBlocks(int blocks) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new BlockPool(blocks));
}
