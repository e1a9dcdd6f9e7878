namespace LlmOperator.Engine.Core.Loading;

/// <summary>The KV cache would not hold one maxModelLen sequence; the message names the flags that fix it.</summary>
public sealed class KvCacheTooSmallException(string message) : Exception(message);

/// <summary>
/// How many KV-cache blocks to allocate: the memory budget over the bytes of one block (K and V, every layer, the
/// rank's KV heads), at most what <c>maxNumSeqs</c> sequences of <c>maxModelLen</c> tokens could ever use, and at
/// least one full <c>maxModelLen</c> sequence — otherwise a request the API accepts could never run (vLLM refuses
/// to start in that case too).
/// </summary>
public static class KvCacheSizing
{
    /// <param name="budgetBytes">Memory for the KV cache of one rank.</param>
    public static int Blocks(long budgetBytes, long bytesPerBlock, int blockSize, long maxModelLen, int maxNumSeqs)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytesPerBlock);
        long perSequence = (maxModelLen + blockSize - 1) / blockSize;
        long useful = perSequence * Math.Max(1, maxNumSeqs);
        long affordable = budgetBytes / bytesPerBlock;
        if (affordable < perSequence)
            throw new KvCacheTooSmallException(
                $"The model's max seq len ({maxModelLen}) is larger than the maximum number of tokens that can be stored in " +
                $"the KV cache ({affordable * blockSize}: {affordable} blocks of {blockSize} tokens, {bytesPerBlock} bytes each, " +
                $"in {budgetBytes} bytes). Fix: raise --gpu-memory-utilization (GPU) or --cpu-kv-cache-space (CPU), " +
                "or lower --max-model-len.");
        return (int)Math.Min(Math.Min(affordable, useful), int.MaxValue);
    }

    /// <summary>Bytes of one block on one rank: K and V × layers × block size × KV heads × head dim × element size.</summary>
    public static long BytesPerBlock(int layers, int blockSize, int kvHeadsPerRank, int headDim, int elementSize) =>
        2L * layers * blockSize * kvHeadsPerRank * headDim * elementSize;
}
