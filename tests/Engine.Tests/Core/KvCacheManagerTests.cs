using LlmOperator.Engine.KvCache;
using static LlmOperator.Engine.Tests.Core.SchedulerBuilders;

namespace LlmOperator.Engine.Tests.Core;

public sealed class KvCacheManagerTests
{
    [Fact]
    public void TryAllocate_Should_ReturnFalseAndTakeNothing_When_ThePoolCannotHoldTheTokens()
    {
        var cache = new KvCacheManager(new BlockPool(3), blockSize: 4);
        var (small, large) = (CreateRequests(1, 4).Single(), CreateRequests(1, 12, prefix: "big").Single());
        Assert.True(cache.TryAllocate(small, 4));

        bool allocated = cache.TryAllocate(large, 12);

        Assert.False(allocated);
        Assert.Equal(2, cache.FreeBlocks);
        Assert.Empty(cache.BlocksOf(large));
    }

    [Fact]
    public void TryAllocate_Should_GrowOnlyByTheMissingBlocks_When_TheRequestAlreadyHoldsSome()
    {
        var cache = new KvCacheManager(new BlockPool(8), blockSize: 4);
        var request = CreateRequests(1, 6).Single();
        Assert.True(cache.TryAllocate(request, 6));           // 2 blocks
        request.NumComputedTokens = 6;

        Assert.True(cache.TryAllocate(request, 1));           // 7 tokens: still 2 blocks
        Assert.Equal(2, cache.BlocksOf(request).Count);
        request.NumComputedTokens = 8;
        Assert.True(cache.TryAllocate(request, 1));           // 9 tokens: a third block
        Assert.Equal(3, cache.BlocksOf(request).Count);
        Assert.Equal(3.0 / 8, cache.Usage, 6);
    }

    [Fact]
    public void Free_Should_ReturnAllBlocksOnceAndIgnoreASecondCall_When_ARequestEnds()
    {
        var cache = new KvCacheManager(new BlockPool(4), blockSize: 4);
        var request = CreateRequests(1, 16).Single();
        Assert.True(cache.TryAllocate(request, 16));

        cache.Free(request);
        cache.Free(request);

        Assert.Equal(4, cache.FreeBlocks);
        Assert.Equal(0, cache.Usage);
    }
}
