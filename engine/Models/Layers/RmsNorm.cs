using static TorchSharp.torch;

namespace LlmOperator.Engine.Models.Layers;

/// <summary>
/// Root-mean-square normalisation over the last dimension, computed in float32 and cast back (HF
/// <c>LlamaRMSNorm</c> / <c>Llama4TextRMSNorm</c>): <c>x · rsqrt(mean(x²) + eps) · weight</c>.
/// </summary>
internal sealed class RmsNorm(Tensor weight, double eps) : IDisposable
{
    /// <summary>x: [T, hidden] → [T, hidden].</summary>
    public Tensor Forward(Tensor x) => Normalize(x, eps) * weight;

    /// <summary>
    /// The weightless form: Llama 4's QK-norm (HF <c>Llama4TextL2Norm</c>, despite its name an RMS norm over head_dim,
    /// with <c>rms_norm_eps</c>).
    /// </summary>
    public static Tensor Normalize(Tensor x, double eps)
    {
        using var scope = NewDisposeScope();
        var x32 = x.to(ScalarType.Float32);
        var inverseRms = rsqrt(x32.pow(2).mean([-1L], keepdim: true) + eps);   // (..., 1)
        return (x32 * inverseRms).to(x.dtype).MoveToOuterDisposeScope();      // (..., D) * (..., 1)
    }

    public void Dispose() => weight.Dispose();
}
