using LlmOperator.Rules.Architecture;

namespace LlmOperator.Engine.Reference.Conversion;

/// <summary>
/// Llama 3 RoPE frequency scaling as the GGUF <c>rope_freqs</c> tensor (<c>LlamaModel.generate_extra_tensors</c> in
/// convert_hf_to_gguf.py). ggml's rope divides each pair's angle by its factor, so the factor is the reciprocal of
/// the multiplier HF applies to <c>inv_freq</c>: 1 for short wavelengths (kept), <c>factor</c> for long ones
/// (stretched), and <c>1 / ((1 − smooth)/factor + smooth)</c> in the band between.
/// </summary>
public static class RopeFactors
{
    public const string Llama3 = "llama3";

    /// <summary>Null when the model has no llama3 scaling (plain RoPE needs no tensor).</summary>
    public static float[]? For(GgufModelSpec spec)
    {
        if (spec.RopeScaling is not { } scaling) return null;
        if (scaling.Type != Llama3)
            throw new NotSupportedException(
                $"rope_scaling type '{scaling.Type}' is not converted to GGUF; only '{Llama3}' (or none) is.");
        return Compute(spec.RopeTheta, spec.HeadDim, scaling);
    }

    public static float[] Compute(double theta, int headDim, RopeScaling scaling)
    {
        double lowFreqWavelen = scaling.OriginalMaxPositionEmbeddings / scaling.LowFreqFactor;
        double highFreqWavelen = scaling.OriginalMaxPositionEmbeddings / scaling.HighFreqFactor;
        var factors = new float[headDim / 2];
        for (int i = 0; i < factors.Length; i++)
        {
            // float32 as torch computes it in the converter: base ** (arange(0, dim, 2) / dim).
            float frequency = (float)(1.0 / Math.Pow(theta, (float)(2 * i) / headDim));
            double wavelength = 2 * Math.PI / frequency;
            if (wavelength < highFreqWavelen)
                factors[i] = 1;
            else if (wavelength > lowFreqWavelen)
                factors[i] = (float)scaling.Factor;
            else
            {
                double smooth = (scaling.OriginalMaxPositionEmbeddings / wavelength - scaling.LowFreqFactor)
                    / (scaling.HighFreqFactor - scaling.LowFreqFactor);
                factors[i] = (float)(1 / ((1 - smooth) / scaling.Factor + smooth));
            }
        }
        return factors;
    }
}
