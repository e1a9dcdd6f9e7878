using TorchSharp;
using LlmOperator.Engine.KvCache;
using static TorchSharp.torch;

namespace LlmOperator.Engine.Tests.KvCache;

public sealed class PagedKvCacheTests
{
    [Fact]
    public void Constructor_Should_AllocateZeroedBlocksPerLayer_When_Created()
    {
        using var cache = new PagedKvCache(3, numBlocks: 5, blockSize: 4, numKvHeads: 2, headDim: 8, ScalarType.Float32, CPU);

        Assert.Equal([5L, 4, 2, 8], cache.Keys(2).shape);
        Assert.Equal([20L, 2, 8], cache.ValueRows(0).shape);
        Assert.Equal(0, cache.Values(1).abs().sum().ToDouble());
        Assert.Equal(2L * 3 * 20 * 2 * 8 * 4, cache.SizeInBytes);
    }

    [Fact]
    public void Write_Should_StoreRowsAtBlockAndOffset_When_GivenSlots()
    {
        using var cache = new PagedKvCache(2, numBlocks: 4, blockSize: 4, numKvHeads: 1, headDim: 2, ScalarType.Float32, CPU);
        using var k = tensor(new float[] { 1, 2, 3, 4 }).view(2, 1, 2);
        using var v = tensor(new float[] { 5, 6, 7, 8 }).view(2, 1, 2);

        cache.Write(1, tensor(new long[] { 13, 2 }), k, v);   // slot 13 = block 3 offset 1

        Assert.Equal([1f, 2], cache.Keys(1)[3, 1, 0].data<float>().ToArray());
        Assert.Equal([7f, 8], cache.Values(1)[0, 2, 0].data<float>().ToArray());
        Assert.Equal(0, cache.Keys(0).abs().sum().ToDouble());
    }

    [Fact]
    public void Write_Should_NameTheTensor_When_ItsShapeDoesNotMatchTheCache()
    {
        using var cache = new PagedKvCache(1, 2, 4, 2, 8, ScalarType.Float32, CPU);

        var error = Assert.Throws<ArgumentException>(() => cache.Write(0, zeros(3, ScalarType.Int64), zeros(3, 1, 8), zeros(3, 2, 8)));

        Assert.Contains("k has shape [3, 1, 8]", error.Message);
    }

    [Fact]
    public void Dispose_Should_FreeTheTensors_When_Called()
    {
        var cache = new PagedKvCache(1, 2, 4, 1, 2, ScalarType.Float32, CPU);
        var keys = cache.Keys(0);

        cache.Dispose();

        Assert.True(keys.IsInvalid);
    }

    [Fact]
    public void Keys_Should_Throw_When_TheLayerDoesNotExist()
    {
        using var cache = new PagedKvCache(2, 2, 4, 1, 2, ScalarType.Float32, CPU);

        Assert.Throws<ArgumentOutOfRangeException>(() => cache.Keys(2));
    }
}
