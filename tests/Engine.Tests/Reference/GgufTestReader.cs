using System.Text;
using LlmOperator.Engine.Reference.Gguf;

namespace LlmOperator.Engine.Tests.Reference;

/// <summary>
/// A minimal GGUF v3 reader for checking the writer, written from the format description in ggml's
/// <c>docs/gguf.md</c>, independently of <see cref="GgufWriter"/> (no shared helpers, its own constants).
/// </summary>
internal sealed class GgufTestReader
{
    public uint Version { get; private init; }
    public Dictionary<string, object> Metadata { get; } = new();
    public List<(string Name, ulong[] Dims, uint Type, ulong Offset)> Tensors { get; } = [];
    public long DataStart { get; private set; }
    private byte[] _bytes = [];

    public static GgufTestReader Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        using var reader = new BinaryReader(new MemoryStream(bytes));
        Assert.Equal("GGUF"u8.ToArray(), reader.ReadBytes(4));
        var gguf = new GgufTestReader { Version = reader.ReadUInt32(), _bytes = bytes };
        ulong tensorCount = reader.ReadUInt64();
        ulong kvCount = reader.ReadUInt64();
        for (ulong i = 0; i < kvCount; i++)
        {
            string key = ReadString(reader);
            gguf.Metadata[key] = ReadValue(reader, reader.ReadUInt32());
        }
        for (ulong i = 0; i < tensorCount; i++)
        {
            string name = ReadString(reader);
            uint nDims = reader.ReadUInt32();
            var dims = new ulong[nDims];
            for (int d = 0; d < nDims; d++) dims[d] = reader.ReadUInt64();
            gguf.Tensors.Add((name, dims, reader.ReadUInt32(), reader.ReadUInt64()));
        }
        uint alignment = gguf.Metadata.TryGetValue("general.alignment", out var a) ? (uint)a : 32u;
        long position = reader.BaseStream.Position;
        gguf.DataStart = (position + alignment - 1) / alignment * alignment;
        return gguf;
    }

    public float[] TensorData(string name)
    {
        var (_, dims, _, offset) = Tensors.Single(t => t.Name == name);
        long count = dims.Aggregate(1L, (x, d) => x * (long)d);
        var data = new float[count];
        Buffer.BlockCopy(_bytes, (int)(DataStart + (long)offset), data, 0, (int)(count * 4));
        return data;
    }

    public long FileLength => _bytes.LongLength;

    private static string ReadString(BinaryReader reader) => Encoding.UTF8.GetString(reader.ReadBytes((int)reader.ReadUInt64()));

    private static object ReadValue(BinaryReader reader, uint type) => type switch
    {
        0 => reader.ReadByte(),
        1 => reader.ReadSByte(),
        2 => reader.ReadUInt16(),
        3 => reader.ReadInt16(),
        4 => reader.ReadUInt32(),
        5 => reader.ReadInt32(),
        6 => reader.ReadSingle(),
        7 => reader.ReadByte() != 0,
        8 => ReadString(reader),
        9 => ReadArray(reader),
        10 => reader.ReadUInt64(),
        11 => reader.ReadInt64(),
        12 => reader.ReadDouble(),
        _ => throw new InvalidDataException($"unknown GGUF value type {type}"),
    };

    private static object[] ReadArray(BinaryReader reader)
    {
        uint elementType = reader.ReadUInt32();
        ulong count = reader.ReadUInt64();
        var items = new object[count];
        for (ulong i = 0; i < count; i++) items[i] = ReadValue(reader, elementType);
        return items;
    }
}
