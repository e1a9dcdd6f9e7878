namespace LlmOperator.Engine.Reference.Conversion;

/// <summary>
/// The re-layouts llama.cpp's <c>convert_hf_to_gguf.py</c> applies, on row-major float32 data (no TorchSharp: the
/// arithmetic is index shuffling and is easier to check in plain loops).
/// </summary>
public static class TensorLayouts
{
    /// <summary>
    /// <c>LlamaModel.permute</c>: HF Llama rotates dimension pairs (j, j + d/2) of each head (rotate_half), GGUF
    /// <c>llama</c> rotates adjacent pairs (2j, 2j+1). Reordering the output rows of q_proj/k_proj per head makes the
    /// two agree: <c>w.reshape(heads, 2, d/2, in).swapaxes(1, 2)</c>, i.e. new row <c>h·d + 2j + t</c> is old row
    /// <c>h·d + t·d/2 + j</c>. Example d = 4: old rows [0 1 2 3] become [0 2 1 3].
    /// </summary>
    public static float[] PermuteForAdjacentPairRope(float[] weight, int heads, int headDim, int inFeatures)
    {
        if (headDim % 2 != 0)
            throw new ArgumentException($"RoPE needs an even head dimension, got {headDim}.");
        if (weight.Length != (long)heads * headDim * inFeatures)
            throw new ArgumentException($"q/k weight has {weight.Length} values, expected {heads}×{headDim}×{inFeatures}.");
        var result = new float[weight.Length];
        int half = headDim / 2;
        for (int h = 0; h < heads; h++)
            for (int j = 0; j < half; j++)
                for (int t = 0; t < 2; t++)
                {
                    int source = h * headDim + t * half + j;
                    int target = h * headDim + 2 * j + t;
                    Array.Copy(weight, (long)source * inFeatures, result, (long)target * inFeatures, inFeatures);
                }
        return result;
    }

    /// <summary>
    /// <c>data.transpose(-1, -2)</c> of a <c>[batch, rows, cols]</c> tensor, keeping only columns
    /// <c>[firstColumn, firstColumn + columnCount)</c>: the result is <c>[batch, columnCount, rows]</c>.
    /// Llama-4's fused <c>experts.gate_up_proj [E, hidden, 2·I]</c> becomes <c>ffn_gate_exps</c> (columns 0..I) and
    /// <c>ffn_up_exps</c> (columns I..2I), each <c>[E, I, hidden]</c>; <c>experts.down_proj [E, I, hidden]</c>
    /// becomes <c>ffn_down_exps [E, hidden, I]</c> (all columns).
    /// </summary>
    public static float[] TransposeLastTwo(float[] data, int batch, int rows, int cols, int firstColumn, int columnCount)
    {
        if (data.Length != (long)batch * rows * cols)
            throw new ArgumentException($"tensor has {data.Length} values, expected {batch}×{rows}×{cols}.");
        if (firstColumn < 0 || columnCount <= 0 || firstColumn + columnCount > cols)
            throw new ArgumentOutOfRangeException(nameof(columnCount), $"columns [{firstColumn}, {firstColumn + columnCount}) are outside 0..{cols}.");
        var result = new float[(long)batch * columnCount * rows];
        for (int b = 0; b < batch; b++)
        {
            long source = (long)b * rows * cols;
            long target = (long)b * columnCount * rows;
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < columnCount; c++)
                    result[target + (long)c * rows + r] = data[source + (long)r * cols + firstColumn + c];
        }
        return result;
    }
}
