using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using TorchSharp;

namespace LlmOperator.Engine.Weights;

/// <summary>
/// A memory-mapped <c>.safetensors</c> file: 8 bytes of little-endian header length N, N bytes of JSON header, then
/// the data section. The header is validated whole on open (<see cref="SafetensorsHeader"/>), so a read can never
/// run outside the mapping; tensor bytes are only copied when one is read.
/// </summary>
public sealed unsafe class SafetensorsFile : IDisposable
{
    private const int LengthPrefix = 8;

    private readonly MemoryMappedFile _mapping;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly long _dataStart;
    private readonly Dictionary<string, SafetensorsEntry> _entries;
    private bool _disposed;

    private SafetensorsFile(string path, MemoryMappedFile mapping, MemoryMappedViewAccessor view, byte* basePointer,
        long dataStart, IReadOnlyList<SafetensorsEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        _mapping = mapping;
        _view = view;
        _base = basePointer;
        _dataStart = dataStart;
        _entries = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        Entries = entries;
        Metadata = metadata;
    }

    public string Path { get; }

    /// <summary>Tensors in header order.</summary>
    public IReadOnlyList<SafetensorsEntry> Entries { get; }

    /// <summary>The header's <c>__metadata__</c> (e.g. <c>format: pt</c>).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public static SafetensorsFile Open(string path)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors data is little-endian; this reader needs a little-endian machine.");
        long length = ReadLength(path);
        if (length < LengthPrefix)
            throw new CheckpointException($"{path}: the file has {length} bytes, fewer than the 8-byte header length; it is truncated or not safetensors.");
        var mapping = Map(path);
        MemoryMappedViewAccessor? view = null;
        try
        {
            view = mapping.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            pointer += view.PointerOffset;
            var (dataStart, entries, metadata) = ReadHeader(path, pointer, length);
            return new SafetensorsFile(path, mapping, view, pointer, dataStart, entries, metadata);
        }
        catch
        {
            if (view is not null)
            {
                view.SafeMemoryMappedViewHandle.ReleasePointer();
                view.Dispose();
            }
            mapping.Dispose();
            throw;
        }
    }

    public bool Contains(string name) => _entries.ContainsKey(name);

    public SafetensorsEntry Entry(string name) => _entries.TryGetValue(name, out var entry)
        ? entry
        : throw new CheckpointException($"{Path}: has no tensor '{name}'.");

    /// <summary>The tensor as float32 on the CPU, whatever float dtype the file stores (F32, F16, BF16, F64).</summary>
    public torch.Tensor ReadFloat32(string name)
    {
        // The mapping is gone after Dispose: reading through the old pointer would fault, not throw.
        ObjectDisposedException.ThrowIf(_disposed, this);
        var entry = Entry(name);
        var type = SafetensorsDtype.FloatScalarType(entry.Dtype)
            ?? throw new CheckpointException(
                $"{Path}: tensor '{name}' has dtype {entry.Dtype}; the engine reads weights stored as F32, F16, BF16 or F64.");
        var raw = torch.empty(entry.Shape, type);
        try
        {
            // The header check guarantees [Begin, End) lies inside the mapping.
            TensorBytes.CopyInto(raw, _base + _dataStart + entry.Begin);
            if (type == torch.ScalarType.Float32)
                return raw;
            using (raw)
                return raw.to_type(torch.ScalarType.Float32);
        }
        catch
        {
            raw.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _mapping.Dispose();
    }

    private static MemoryMappedFile Map(string path)
    {
        try
        {
            return MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"{path}: cannot be memory-mapped: {e.Message}");
        }
    }

    private static long ReadLength(string path)
    {
        try
        {
            // FileInfo.Length of a symbolic link is the link's own size: the Hugging Face cache links snapshots to blobs.
            var file = new FileInfo(path);
            return (file.LinkTarget is null ? file : file.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? file).Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"{path}: cannot be read: {e.Message}");
        }
    }

    private static (long DataStart, IReadOnlyList<SafetensorsEntry> Entries, IReadOnlyDictionary<string, string> Metadata) ReadHeader(
        string path, byte* pointer, long fileLength)
    {
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(pointer, LengthPrefix));
        if (headerLength > (ulong)(fileLength - LengthPrefix))
            throw new CheckpointException(
                $"{path}: the header length {headerLength} runs past the end of the file ({fileLength} bytes); " +
                "the file is truncated or not safetensors.");
        if (headerLength > SafetensorsHeader.MaxHeaderLength)
            throw new CheckpointException($"{path}: the header length {headerLength} exceeds the format's 100 MB limit; the file is corrupt.");
        long dataStart = LengthPrefix + (long)headerLength;
        var json = new ReadOnlySpan<byte>(pointer + LengthPrefix, (int)headerLength);
        var (entries, metadata) = SafetensorsHeader.Parse(path, json, fileLength - dataStart);
        return (dataStart, entries, metadata);
    }
}
