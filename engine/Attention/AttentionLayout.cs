using static TorchSharp.torch;

namespace LlmOperator.Engine.Attention;

/// <summary>
/// How one kind of layer (global or chunked-local) attends in this step: its segments, batched by
/// <see cref="SegmentBatching"/>, with their index tensors on the device.
/// </summary>
public sealed class AttentionLayout : IDisposable
{
    internal AttentionLayout(AttentionSegment[] segments, IReadOnlyList<SequenceSlice> sequences, int blockSize, int stepTokens, Device device)
    {
        Segments = segments;
        Batches = SegmentBatching.Plan(segments, sequences, blockSize, stepTokens).Select(b => new DeviceSegmentBatch(b, device)).ToArray();
    }

    public IReadOnlyList<AttentionSegment> Segments { get; }

    public IReadOnlyList<DeviceSegmentBatch> Batches { get; }

    public void Dispose()
    {
        foreach (var batch in Batches)
            batch.Dispose();
    }
}
