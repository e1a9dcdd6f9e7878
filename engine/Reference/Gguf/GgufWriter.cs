using System.Runtime.InteropServices;
using System.Text;

namespace LlmOperator.Engine.Reference.Gguf;

/// <summary>
/// Writes GGUF version 3 files with float32 tensors, byte for byte in the layout ggml's <c>gguf.cpp</c> reads:
/// <code>
/// "GGUF" | u32 version=3 | u64 tensor_count | u64 kv_count
/// kv*:     string key | u32 type | value            (string = u64 length + UTF-8 bytes, no NUL)
///                                                   (array  = u32 element type | u64 count | elements)
/// tensor*: string name | u32 n_dims | u64 ne[n_dims] | u32 ggml_type (F32 = 0) | u64 offset
/// zero padding to general.alignment (32)
/// data:    each tensor at data_start + offset, every offset a multiple of the alignment, zero padded between
/// </code>
/// All integers are little-endian. The file is written to a temporary name and renamed, so a failed write never
/// leaves a truncated GGUF that llama.cpp would later reject with a less helpful message.
/// </summary>
public static class GgufWriter
{
    public const uint Magic = 0x46554747; // "GGUF" read as a little-endian u32
    public const uint Version = 3;
    public const uint Alignment = 32;
    public const string AlignmentKey = "general.alignment";
    private const uint GgmlTypeF32 = 0;

    public static void Write(string path, GgufMetadata metadata, IReadOnlyList<GgufTensor> tensors)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("GGUF is little-endian; this writer copies float32 bytes as they are in memory.");
        Validate(tensors);
        metadata.Set(AlignmentKey, GgufValue.UInt32(Alignment));

        string temporary = path + ".partial";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: false))
            {
                WriteHeader(writer, metadata, tensors);
                WriteData(writer, tensors);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Offsets of each tensor's data relative to the start of the data section.</summary>
    public static long[] DataOffsets(IReadOnlyList<GgufTensor> tensors)
    {
        var offsets = new long[tensors.Count];
        long next = 0;
        for (int i = 0; i < tensors.Count; i++)
        {
            offsets[i] = next;
            next = AlignUp(next + tensors[i].ByteCount);
        }
        return offsets;
    }

    public static long AlignUp(long value) => (value + Alignment - 1) / Alignment * Alignment;

    private static void Validate(IReadOnlyList<GgufTensor> tensors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in tensors)
        {
            if (!seen.Add(tensor.Name))
                throw new ArgumentException($"GGUF tensor '{tensor.Name}' is listed twice; tensor names must be unique.");
            if (Encoding.UTF8.GetByteCount(tensor.Name) > GgufTensor.MaxNameBytes)
                throw new ArgumentException($"GGUF tensor name '{tensor.Name}' is longer than ggml's {GgufTensor.MaxNameBytes} bytes.");
            if (tensor.Shape.Length is 0 or > GgufTensor.MaxDims || tensor.Shape.Any(d => d <= 0))
                throw new ArgumentException(
                    $"GGUF tensor '{tensor.Name}' has shape [{string.Join(", ", tensor.Shape)}]; ggml needs 1 to {GgufTensor.MaxDims} positive dimensions.");
        }
    }

    private static void WriteHeader(BinaryWriter writer, GgufMetadata metadata, IReadOnlyList<GgufTensor> tensors)
    {
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write((ulong)tensors.Count);
        writer.Write((ulong)metadata.Count);
        foreach (var (key, value) in metadata.Entries)
        {
            WriteString(writer, key);
            writer.Write((uint)value.Type);
            WriteValue(writer, value);
        }

        long[] offsets = DataOffsets(tensors);
        for (int i = 0; i < tensors.Count; i++)
        {
            WriteString(writer, tensors[i].Name);
            long[] dims = tensors[i].GgmlDims;
            writer.Write((uint)dims.Length);
            foreach (long dim in dims) writer.Write((ulong)dim);
            writer.Write(GgmlTypeF32);
            writer.Write((ulong)offsets[i]);
        }
        Pad(writer);
    }

    private static void WriteData(BinaryWriter writer, IReadOnlyList<GgufTensor> tensors)
    {
        foreach (var tensor in tensors)
        {
            float[] data = tensor.ReadData();
            if (data.LongLength != tensor.ElementCount)
                throw new InvalidDataException(
                    $"GGUF tensor '{tensor.Name}': shape [{string.Join(", ", tensor.Shape)}] needs {tensor.ElementCount} floats, the source gave {data.LongLength}.");
            writer.Write(MemoryMarshal.AsBytes(data.AsSpan()));
            Pad(writer);
        }
    }

    private static void WriteValue(BinaryWriter writer, GgufValue value)
    {
        if (value.Type != GgufValueType.Array)
        {
            WriteScalar(writer, value.Type, value.Data);
            return;
        }
        var items = (System.Array)value.Data;
        writer.Write((uint)value.ElementType);
        writer.Write((ulong)items.Length);
        foreach (object? item in items)
            WriteScalar(writer, value.ElementType, item!);
    }

    private static void WriteScalar(BinaryWriter writer, GgufValueType type, object data)
    {
        switch (type)
        {
            case GgufValueType.UInt32: writer.Write((uint)data); break;
            case GgufValueType.Int32: writer.Write((int)data); break;
            case GgufValueType.UInt64: writer.Write((ulong)data); break;
            case GgufValueType.Float32: writer.Write((float)data); break;
            case GgufValueType.Float64: writer.Write((double)data); break;
            case GgufValueType.Bool: writer.Write((byte)((bool)data ? 1 : 0)); break;
            case GgufValueType.String: WriteString(writer, (string)data); break;
            default: throw new NotSupportedException($"GGUF value type {type} is not written by this writer.");
        }
    }

    private static void WriteString(BinaryWriter writer, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }

    private static void Pad(BinaryWriter writer)
    {
        long position = writer.BaseStream.Position;
        long padding = AlignUp(position) - position;
        for (long i = 0; i < padding; i++) writer.Write((byte)0);
    }
}
