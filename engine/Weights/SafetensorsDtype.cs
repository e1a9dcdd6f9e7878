using TorchSharp;

namespace LlmOperator.Engine.Weights;

/// <summary>
/// The dtype names a safetensors header may hold (the format's own list) with their element sizes, and the subset
/// the engine converts to float32. A name outside the list is a corrupt or unsupported file, not a guess.
/// </summary>
public static class SafetensorsDtype
{
    public const string F32 = "F32";
    public const string F16 = "F16";
    public const string BF16 = "BF16";

    private static readonly Dictionary<string, int> ElementSizes = new(StringComparer.Ordinal)
    {
        ["BOOL"] = 1, ["U8"] = 1, ["I8"] = 1, ["F8_E5M2"] = 1, ["F8_E4M3"] = 1,
        ["I16"] = 2, ["U16"] = 2, ["F16"] = 2, ["BF16"] = 2,
        ["I32"] = 4, ["U32"] = 4, ["F32"] = 4,
        ["I64"] = 8, ["U64"] = 8, ["F64"] = 8,
    };

    /// <summary>Floating-point dtypes <see cref="SafetensorsFile.ReadFloat32"/> converts (through torch's own casts).</summary>
    private static readonly Dictionary<string, torch.ScalarType> Floats = new(StringComparer.Ordinal)
    {
        [F32] = torch.ScalarType.Float32,
        [F16] = torch.ScalarType.Float16,
        [BF16] = torch.ScalarType.BFloat16,
        ["F64"] = torch.ScalarType.Float64,
    };

    public static IEnumerable<string> Known => ElementSizes.Keys;

    public static int? ElementSize(string dtype) => ElementSizes.TryGetValue(dtype, out int size) ? size : null;

    public static torch.ScalarType? FloatScalarType(string dtype) => Floats.TryGetValue(dtype, out var type) ? type : null;

    /// <summary>The safetensors name of a torch float dtype the writer can store.</summary>
    public static string FromScalarType(torch.ScalarType type) =>
        Floats.FirstOrDefault(p => p.Value == type).Key
        ?? throw new ArgumentException($"torch dtype {type} has no safetensors float name the engine writes.", nameof(type));

    /// <summary>Maps the CLI/config spellings (f32, float16, bfloat16, …) to a safetensors dtype.</summary>
    public static string Parse(string text) => text.ToLowerInvariant() switch
    {
        "f32" or "float32" or "float" => F32,
        "f16" or "float16" or "half" => F16,
        "bf16" or "bfloat16" => BF16,
        _ => throw new ArgumentException($"dtype '{text}' is not one of f32, f16, bf16."),
    };

    /// <summary>HF config.json <c>torch_dtype</c> for a safetensors dtype.</summary>
    public static string TorchDtypeName(string dtype) => dtype switch
    {
        F32 => "float32",
        F16 => "float16",
        BF16 => "bfloat16",
        _ => throw new ArgumentException($"dtype '{dtype}' has no torch_dtype name.", nameof(dtype)),
    };
}
