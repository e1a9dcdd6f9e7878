using static TorchSharp.torch;

namespace LlmOperator.Engine.Models.Layers;

/// <summary>
/// Llama 4's attention temperature tuning on the queries of NoPE (global) layers, HF <c>Llama4TextAttention</c>:
/// <c>scale(p) = 1 + attn_scale · ln(floor((p + 1) / floor_scale) + 1)</c> for the absolute 0-based position p.
/// With Scout's constants (8192, 0.1) it is exactly 1 below p = 8191, so short prompts never see it.
/// </summary>
internal static class TemperatureTuning
{
    public static double Scale(long position, double floorScale, double attnScale) =>
        1 + attnScale * Math.Log(Math.Floor((position + 1) / floorScale) + 1);

    /// <summary>positions: [T] int64 → [T, 1, 1] float32, to multiply q: [T, H, D].</summary>
    public static Tensor Scales(Tensor positions, double floorScale, double attnScale)
    {
        using var scope = NewDisposeScope();
        var p = positions.to(ScalarType.Float64);
        var scales = floor((p + 1) / floorScale).log1p() * attnScale + 1;          // [T]
        return scales.to(ScalarType.Float32).view(-1, 1, 1).MoveToOuterDisposeScope(); // [T] → [T, 1, 1]
    }
}
