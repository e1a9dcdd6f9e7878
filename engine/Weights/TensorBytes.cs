using TorchSharp;

namespace LlmOperator.Engine.Weights;

/// <summary>
/// Raw byte access to contiguous CPU tensors through TorchSharp's <c>Tensor.bytes</c> span, which is limited to
/// 2 GiB; larger tensors (a Scout expert block is 2.7 GB in BF16) go through 1-D slices of at most 256 MiB.
/// </summary>
internal static unsafe class TensorBytes
{
    private const long ChunkBytes = 1L << 28;

    /// <summary>Copies <paramref name="tensor"/>'s byte length from <paramref name="source"/> into it.</summary>
    public static void CopyInto(torch.Tensor tensor, byte* source)
    {
        foreach (var (slice, offset, length) in Slices(tensor))
            using (slice)
                new ReadOnlySpan<byte>(source + offset, length).CopyTo(slice.bytes);
    }

    public static void WriteTo(Stream stream, torch.Tensor tensor)
    {
        foreach (var (slice, _, _) in Slices(tensor))
            using (slice)
                stream.Write(slice.bytes);
    }

    private static IEnumerable<(torch.Tensor Slice, long Offset, int Length)> Slices(torch.Tensor tensor)
    {
        if (!tensor.is_contiguous())
            throw new ArgumentException("tensor must be contiguous.", nameof(tensor));
        long elementSize = tensor.ElementSize;
        long count = tensor.NumberOfElements;
        long perChunk = Math.Max(1, ChunkBytes / elementSize);
        using var flat = tensor.reshape(count);
        for (long start = 0; start < count; start += perChunk)
        {
            long n = Math.Min(perChunk, count - start);
            yield return (flat.narrow(0, start, n), start * elementSize, (int)(n * elementSize));
        }
    }
}
