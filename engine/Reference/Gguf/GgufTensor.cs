namespace LlmOperator.Engine.Reference.Gguf;

/// <summary>
/// A float32 tensor to write. <paramref name="Shape"/> is row-major, outermost first, as PyTorch and safetensors
/// write it (a Linear weight is <c>[out, in]</c>); the writer reverses it into GGML's <c>ne</c> order (innermost
/// first, <c>[in, out]</c>), so the bytes need no transposition. <paramref name="ReadData"/> is called once, when the
/// writer reaches the tensor, so a large model is never held in memory whole.
/// </summary>
public sealed record GgufTensor(string Name, long[] Shape, Func<float[]> ReadData)
{
    /// <summary>GGML_MAX_NAME is 64 bytes including the terminating NUL.</summary>
    public const int MaxNameBytes = 63;

    /// <summary>GGML_MAX_DIMS.</summary>
    public const int MaxDims = 4;

    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    public long ByteCount => ElementCount * sizeof(float);

    /// <summary>GGML <c>ne</c>: the shape reversed (innermost dimension first).</summary>
    public long[] GgmlDims => [.. Shape.Reverse()];
}
