using LlmOperator.Engine.Models;
using LlmOperator.Engine.Models.Layers;
using static TorchSharp.torch;

namespace LlmOperator.Engine.Tests.Models;

/// <summary>The formulas against values computed by hand (HF transformers' definitions).</summary>
public sealed class LayerFormulaTests
{
    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(8190, 1.0)]                          // floor(8191/8192) = 0: no effect below p = 8191
    [InlineData(8191, 1.0693147180559945)]           // 1 + 0.1·ln 2
    [InlineData(16382, 1.0693147180559945)]
    [InlineData(16383, 1.1098612288668110)]          // 1 + 0.1·ln 3
    [InlineData(65535, 1.2197224577336219)]          // 1 + 0.1·ln 9
    public void TemperatureScale_Should_MatchHandValues_When_ConstantsAreScouts(long position, double expected)
    {
        Assert.Equal(expected, TemperatureTuning.Scale(position, 8192, 0.1), 12);
        using var positions = tensor(new[] { position });
        using var scales = TemperatureTuning.Scales(positions, 8192, 0.1);
        Assert.Equal([1L, 1, 1], scales.shape);
        Assert.Equal(expected, scales.item<float>(), 1e-6);   // float32 result
    }

    [Fact]
    public void Llama3Scaling_Should_KeepDivideOrBlendFrequencies_By_Wavelength()
    {
        var scaling = new RopeScalingConfig { RopeType = "llama3", Factor = 8, LowFreqFactor = 1, HighFreqFactor = 4, OriginalMaxPositionEmbeddings = 8192 };

        // theta 1e4, D 8: inv_freq 1, 0.1, 0.01 (wavelengths 6.3, 63, 628 < 8192/4: kept) and 0.001 (wavelength 6283.2,
        // between 2048 and 8192: smooth = (8192/6283.185 − 1)/3 = 0.1012658, (1 − s)·0.001/8 + s·0.001 = 0.00021360754).
        var blended = RotaryEmbedding.InverseFrequenciesOf(8, 10000, scaling);
        Assert.Equal(1.0, blended[0], 12);
        Assert.Equal(0.1, blended[1], 12);
        Assert.Equal(0.01, blended[2], 12);
        Assert.Equal(0.00021360754, blended[3], 10);

        // theta 1e8, D 4: inv_freq 1 and 1e-4 (wavelength 62832 > 8192: divided by the factor).
        var divided = RotaryEmbedding.InverseFrequenciesOf(4, 1e8, scaling);
        Assert.Equal(1.0, divided[0], 12);
        Assert.Equal(1.25e-5, divided[1], 12);
    }

    [Fact]
    public void Llama3Scaling_Should_NotDivideByZero_When_LowAndHighFactorsAreEqual()
    {
        // Scout-Instruct's rope_scaling: low = high = 1, so there is no blend band at all.
        var scaling = new RopeScalingConfig { RopeType = "llama3", Factor = 16, LowFreqFactor = 1, HighFreqFactor = 1, OriginalMaxPositionEmbeddings = 8192 };

        var inv = RotaryEmbedding.InverseFrequenciesOf(128, 500000, scaling);

        Assert.All(inv, f => Assert.True(double.IsFinite(f)));
        var plain = RotaryEmbedding.InverseFrequenciesOf(128, 500000, null);
        for (int i = 0; i < inv.Length; i++)
            Assert.Equal(2 * Math.PI / plain[i] < 8192 ? plain[i] : plain[i] / 16, inv[i], 15);
    }

    [Theory]
    [InlineData(true, 0, 1)]     // Llama 4: dims (0, 1) rotate together
    [InlineData(false, 0, 2)]    // Llama 3 rotate_half, D = 4: dims (0, 2) rotate together
    public void Rope_Should_RotatePairsOfItsLayout_When_Applied(bool interleaved, int first, int partner)
    {
        var rope = new RotaryEmbedding([1.0, 0.5], interleaved);
        using var positions = tensor(new long[] { 3 });
        var (cos, sin) = rope.Angles(positions);
        using var x = zeros(1, 1, 4);
        x[0, 0, first] = tensor(1f);

        using var rotated = rope.Apply(x, cos, sin);

        var values = rotated.data<float>().ToArray();
        Assert.Equal(Math.Cos(3), values[first], 6);
        Assert.Equal(Math.Sin(3), values[partner], 6);
        Assert.Equal(0, values.Where((_, i) => i != first && i != partner).Sum(Math.Abs), 6);
        cos.Dispose();
        sin.Dispose();
    }

    [Fact]
    public void QkNorm_Should_DivideByRootMeanSquare_When_Weightless()
    {
        using var x = tensor(new float[] { 3, 4 });

        using var normed = RmsNorm.Normalize(x, 0);

        // rms = √((9 + 16) / 2) = √12.5
        Assert.Equal(3 / Math.Sqrt(12.5), normed[0].item<float>(), 6);
        Assert.Equal(4 / Math.Sqrt(12.5), normed[1].item<float>(), 6);
    }
}
