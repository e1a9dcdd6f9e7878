namespace LlmOperator.Engine.Reference.Gguf;

/// <summary>GGUF metadata value types, numbered as in ggml's <c>gguf_type</c> (gguf.h).</summary>
public enum GgufValueType : uint
{
    UInt8 = 0,
    Int8 = 1,
    UInt16 = 2,
    Int16 = 3,
    UInt32 = 4,
    Int32 = 5,
    Float32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    UInt64 = 10,
    Int64 = 11,
    Float64 = 12,
}

/// <summary>
/// One typed metadata value. The type is explicit because llama.cpp reads keys with a fixed type
/// (<c>context_length</c> must be UINT32, <c>layer_norm_rms_epsilon</c> FLOAT32) and rejects a mismatch.
/// </summary>
public sealed record GgufValue
{
    private GgufValue(GgufValueType type, object data, GgufValueType elementType = GgufValueType.UInt8)
    {
        Type = type;
        Data = data;
        ElementType = elementType;
    }

    public GgufValueType Type { get; }

    /// <summary>The CLR value: uint, int, float, bool, string, ulong, double, or for arrays an <see cref="Array"/>.</summary>
    public object Data { get; }

    /// <summary>For <see cref="GgufValueType.Array"/>: the element type (GGUF arrays are homogeneous).</summary>
    public GgufValueType ElementType { get; }

    public static GgufValue UInt32(uint value) => new(GgufValueType.UInt32, value);
    public static GgufValue Int32(int value) => new(GgufValueType.Int32, value);
    public static GgufValue UInt64(ulong value) => new(GgufValueType.UInt64, value);
    public static GgufValue Float32(float value) => new(GgufValueType.Float32, value);
    public static GgufValue Float64(double value) => new(GgufValueType.Float64, value);
    public static GgufValue Bool(bool value) => new(GgufValueType.Bool, value);
    public static GgufValue String(string value) => new(GgufValueType.String, value);
    public static GgufValue Array(uint[] values) => new(GgufValueType.Array, values, GgufValueType.UInt32);
    public static GgufValue Array(int[] values) => new(GgufValueType.Array, values, GgufValueType.Int32);
    public static GgufValue Array(float[] values) => new(GgufValueType.Array, values, GgufValueType.Float32);
    public static GgufValue Array(string[] values) => new(GgufValueType.Array, values, GgufValueType.String);
    public static GgufValue Array(bool[] values) => new(GgufValueType.Array, values, GgufValueType.Bool);
}
