using LlmOperator.Engine.Attention;
using static TorchSharp.torch;

namespace LlmOperator.Engine.Tests.Attention;

/// <summary>The per-step tensors and layouts <see cref="AttentionMetadata.Build"/> produces.</summary>
public sealed class AttentionMetadataTests
{
    [Fact]
    public void Build_Should_ComputePositionsSlotsAndLastTokens_When_PrefillChunkAndDecodeShareAStep()
    {
        // Sequence 0 resumes at 5 with 9 tokens in blocks [7 2 9 4]; sequence 1 decodes position 3 in block 5.
        using var metadata = AttentionMetadata.Build([new SequenceSlice(5, 9, [7, 2, 9, 4]), new SequenceSlice(3, 1, [5])], 4, 8, CPU);

        Assert.Equal(10, metadata.NumTokens);
        Assert.Equal([5L, 6, 7, 8, 9, 10, 11, 12, 13, 3], metadata.Positions.data<long>().ToArray());
        Assert.Equal([9L, 10, 11, 36, 37, 38, 39, 16, 17, 23], metadata.SlotMapping.data<long>().ToArray());
        Assert.Equal([8L, 9], metadata.LastTokenIndices.data<long>().ToArray());
        Assert.Equal(2, metadata.Global.Segments.Count);
        Assert.Equal(3, metadata.Local!.Segments.Count);   // chunks 0 and 1 of sequence 0, chunk 0 of sequence 1
    }

    [Fact]
    public void Build_Should_ShareTheGlobalLayout_When_EverySequenceIsInTheFirstChunk()
    {
        using var metadata = AttentionMetadata.Build([new SequenceSlice(0, 6, [0, 1]), new SequenceSlice(7, 1, [2, 3])], 4, 8, CPU);

        Assert.Same(metadata.Global, metadata.Local);
    }

    [Fact]
    public void Build_Should_LeaveLocalNull_When_TheModelHasNoChunkedLayers()
    {
        using var metadata = AttentionMetadata.Build([new SequenceSlice(0, 3, [0])], 4, null, CPU);

        Assert.Null(metadata.Local);
    }

    [Fact]
    public void Dispose_Should_FreeEveryTensor_When_TheStepEnds()
    {
        var metadata = AttentionMetadata.Build([new SequenceSlice(5, 9, [0, 1, 2, 3]), new SequenceSlice(0, 2, [4])], 4, 8, CPU);
        var tensors = new[] { metadata.Positions, metadata.SlotMapping, metadata.LastTokenIndices }
            .Concat(metadata.Global.Batches.Concat(metadata.Local!.Batches).Select(b => b.KeySlots)).ToArray();

        metadata.Dispose();

        Assert.All(tensors, t => Assert.True(t.IsInvalid));
    }
}
