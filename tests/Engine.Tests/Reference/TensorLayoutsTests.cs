using LlmOperator.Engine.Reference.Conversion;
using LlmOperator.Rules.Architecture;

namespace LlmOperator.Engine.Tests.Reference;

public sealed class TensorLayoutsTests
{
    [Fact]
    public void PermuteForAdjacentPairRope_Should_InterleaveHalvesOfEachHead_When_HeadDimIsFour()
    {
        // 2 heads × head_dim 4, 1 input feature: row value = its original index.
        float[] weight = [0, 1, 2, 3, 4, 5, 6, 7];

        float[] permuted = TensorLayouts.PermuteForAdjacentPairRope(weight, heads: 2, headDim: 4, inFeatures: 1);

        // rotate_half pairs (j, j + 2) become adjacent pairs (2j, 2j + 1).
        Assert.Equal([0, 2, 1, 3, 4, 6, 5, 7], permuted);
    }

    [Fact]
    public void PermuteForAdjacentPairRope_Should_MoveWholeRows_When_ThereAreSeveralInputFeatures()
    {
        float[] weight = [.. Enumerable.Range(0, 4 * 3).Select(i => (float)i)]; // [4 rows, 3 cols]

        float[] permuted = TensorLayouts.PermuteForAdjacentPairRope(weight, heads: 1, headDim: 4, inFeatures: 3);

        Assert.Equal([0, 1, 2, 6, 7, 8, 3, 4, 5, 9, 10, 11], permuted);
    }

    [Fact]
    public void TransposeLastTwo_Should_SplitGateAndUp_When_GivenFusedExpertWeights()
    {
        // gate_up_proj [E=2, hidden=2, 2·I=4]: value = 100·e + 10·h + column.
        float[] fused = new float[2 * 2 * 4];
        for (int e = 0; e < 2; e++)
            for (int h = 0; h < 2; h++)
                for (int c = 0; c < 4; c++)
                    fused[e * 8 + h * 4 + c] = 100 * e + 10 * h + c;

        float[] gate = TensorLayouts.TransposeLastTwo(fused, 2, 2, 4, firstColumn: 0, columnCount: 2);
        float[] up = TensorLayouts.TransposeLastTwo(fused, 2, 2, 4, firstColumn: 2, columnCount: 2);

        // [E, I, hidden]: gate[e, i, h] = fused[e, h, i]; up[e, i, h] = fused[e, h, I + i].
        Assert.Equal([0, 10, 1, 11, 100, 110, 101, 111], gate);
        Assert.Equal([2, 12, 3, 13, 102, 112, 103, 113], up);
    }

    [Fact]
    public void RopeFactors_Should_KeepShortWavelengthsAndStretchLongOnes_When_Llama3Scaling()
    {
        var scaling = new RopeScaling("llama3", Factor: 8, LowFreqFactor: 1, HighFreqFactor: 4, OriginalMaxPositionEmbeddings: 8192);

        float[] factors = RopeFactors.Compute(500000, 128, scaling);

        Assert.Equal(64, factors.Length);
        Assert.Equal(1f, factors[0]);                     // wavelength 2π < 8192/4
        Assert.Equal(8f, factors[^1]);                    // wavelength ≫ 8192
        Assert.Contains(factors, f => f is > 1 and < 8);  // the smoothed band
        Assert.True(factors.Zip(factors.Skip(1)).All(p => p.First <= p.Second), "factors grow with wavelength");
    }
}
