using static TorchSharp.torch;

namespace LlmOperator.Engine.Models.Layers;

/// <summary>
/// Rotary position embedding with HF's llama3 frequency scaling. Two layouts, because the checkpoints differ:
/// <list type="bullet">
/// <item>Llama 4 (<see cref="Interleaved"/>): HF multiplies <c>view_as_complex(x.reshape(..., D/2, 2))</c> by
/// <c>polar(1, p·inv_freq)</c>, so dims (2i, 2i+1) rotate together.</item>
/// <item>Llama 3: HF's <c>rotate_half</c>, so dims (i, i + D/2) rotate together.</item>
/// </list>
/// Angles are computed in float64 (p·inv_freq loses ~1e-3 rad in float32 at p ≈ 10⁴), then cos/sin in float32.
/// </summary>
internal sealed class RotaryEmbedding(double[] inverseFrequencies, bool interleaved)
{
    public bool Interleaved => interleaved;

    public IReadOnlyList<double> InverseFrequencies => inverseFrequencies;

    public static RotaryEmbedding For(ModelConfig config) => new(
        InverseFrequenciesOf(config.HeadDimension, config.RopeTheta, config.RopeScaling),
        interleaved: config.Family == Rules.Architecture.ModelFamily.Llama4);

    /// <summary>
    /// <c>inv_freq[i] = theta^(-2i/D)</c>, then HF <c>_compute_llama3_parameters</c>: wavelengths shorter than
    /// <c>original/high_freq_factor</c> are kept, longer than <c>original/low_freq_factor</c> divided by factor, and the
    /// band between interpolated with <c>smooth = (original/wavelen − low) / (high − low)</c>.
    /// </summary>
    public static double[] InverseFrequenciesOf(int headDim, double theta, RopeScalingConfig? scaling)
    {
        var inv = Enumerable.Range(0, headDim / 2).Select(i => 1.0 / Math.Pow(theta, 2.0 * i / headDim)).ToArray();
        if (scaling is not { Kind: "llama3" } s) return inv;
        double original = s.OriginalMaxPositionEmbeddings;
        double lowFreqWavelen = original / s.LowFreqFactor;
        double highFreqWavelen = original / s.HighFreqFactor;
        return inv.Select(f =>
        {
            double wavelen = 2 * Math.PI / f;
            if (wavelen < highFreqWavelen) return f;
            if (wavelen > lowFreqWavelen) return f / s.Factor;
            // Only reached when low < high (the band is empty otherwise, so no division by zero).
            double smooth = (original / wavelen - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor);
            return (1 - smooth) * f / s.Factor + smooth * f;
        }).ToArray();
    }

    /// <summary>positions: [T] int64 → (cos, sin), each [T, 1, D/2] float32 on the positions' device.</summary>
    public (Tensor Cos, Tensor Sin) Angles(Tensor positions)
    {
        using var scope = NewDisposeScope();
        var freqs = tensor(inverseFrequencies, device: positions.device);                 // [D/2] float64
        var angles = outer(positions.to(ScalarType.Float64), freqs);                       // [T] ⊗ [D/2] → [T, D/2]
        var cos = angles.cos().to(ScalarType.Float32).unsqueeze(1);                        // [T, 1, D/2]
        var sin = angles.sin().to(ScalarType.Float32).unsqueeze(1);                        // [T, 1, D/2]
        return (cos.MoveToOuterDisposeScope(), sin.MoveToOuterDisposeScope());
    }

    /// <summary>x: [T, H, D] → [T, H, D], rotated by the angles of its token's position.</summary>
    public Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        var x32 = x.to(ScalarType.Float32);
        long t = x.shape[0], h = x.shape[1], d = x.shape[2];
        Tensor rotated;
        if (interleaved)
        {
            var pairs = x32.view(t, h, d / 2, 2);                                           // [T, H, D] → [T, H, D/2, 2]
            var re = pairs.select(-1, 0);                                                   // [T, H, D/2]
            var im = pairs.select(-1, 1);                                                   // [T, H, D/2]
            // (re + i·im)(cos + i·sin)
            rotated = stack([re * cos - im * sin, re * sin + im * cos], -1).view(t, h, d); // [T, H, D/2, 2] → [T, H, D]
        }
        else
        {
            var first = x32.narrow(-1, 0, d / 2);                                           // [T, H, D/2]
            var second = x32.narrow(-1, d / 2, d / 2);                                      // [T, H, D/2]
            // x·cos + rotate_half(x)·sin, with rotate_half(x) = (−second, first)
            rotated = cat([first * cos - second * sin, second * cos + first * sin], -1);    // [T, H, D]
        }
        return rotated.to(x.dtype).MoveToOuterDisposeScope();
    }
}
