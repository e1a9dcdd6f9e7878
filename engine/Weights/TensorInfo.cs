namespace LlmOperator.Engine.Weights;

/// <summary>A checkpoint tensor under its canonical name; <see cref="File"/> is the safetensors file that holds it and
/// <see cref="Dtype"/> the header's dtype ("F32", "F16", "BF16").</summary>
public sealed record TensorInfo(string Name, string File, string Dtype, long[] Shape);
