using System.Diagnostics;

namespace LlmOperator.Engine.Benchmark;

/// <summary>
/// Copy bandwidth of main memory, measured in the same run as the throughput it bounds. Counted the STREAM way:
/// a copy of N bytes moves 2·N bytes (N read, N written). The buffers (256 MiB each) are far larger than any CPU
/// cache, the copy is split over <c>threads</c> threads as the engine's matmuls are, and the best of several passes is
/// kept because a shared machine only ever makes a pass slower.
/// </summary>
public static class MemoryBandwidth
{
    public const int BufferBytes = 256 << 20;
    private const int Passes = 5;

    /// <summary>Bytes per second moved by a parallel memcpy on <paramref name="threads"/> threads.</summary>
    public static double Measure(int threads)
    {
        var source = GC.AllocateUninitializedArray<byte>(BufferBytes);
        var target = GC.AllocateUninitializedArray<byte>(BufferBytes);
        // Touch every page first, so the passes time copying, not page faults.
        new Random(1).NextBytes(source);
        Array.Clear(target);
        double best = double.MaxValue;
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
        for (int pass = 0; pass < Passes; pass++)
        {
            var clock = Stopwatch.StartNew();
            Parallel.For(0, threads, options, t => CopySlice(source, target, t, threads));
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return 2.0 * BufferBytes / best;
    }

    private static void CopySlice(byte[] source, byte[] target, int slice, int slices)
    {
        int length = BufferBytes / slices;
        int start = slice * length;
        if (slice == slices - 1) length = BufferBytes - start;
        source.AsSpan(start, length).CopyTo(target.AsSpan(start, length));
    }
}
