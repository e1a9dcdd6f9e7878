using System.Text;
using System.Text.Json;

namespace LlmOperator.Engine.Weights;

/// <summary>
/// Parses and validates a safetensors header before any tensor byte is touched, with the rules of the format's
/// reference implementation (huggingface/safetensors <c>Metadata::validate</c>): a known dtype, non-negative shape,
/// <c>data_offsets</c> whose length equals elements × element size, tensors laid back to back from offset 0 with no
/// gap or overlap, and the last one ending exactly at the end of the file. Every error names the file and the tensor.
/// </summary>
public static class SafetensorsHeader
{
    /// <summary>The reference implementation refuses headers over 100 MB; so does this reader.</summary>
    public const long MaxHeaderLength = 100_000_000;

    public const string MetadataKey = "__metadata__";

    /// <summary>Parses <paramref name="json"/>, the header of <paramref name="path"/> whose data section has
    /// <paramref name="dataLength"/> bytes.</summary>
    public static (IReadOnlyList<SafetensorsEntry> Entries, IReadOnlyDictionary<string, string> Metadata) Parse(
        string path, ReadOnlySpan<byte> json, long dataLength)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(Encoding.UTF8.GetString(json));
        }
        catch (Exception e) when (e is JsonException or DecoderFallbackException)
        {
            throw new CheckpointException($"{path}: the safetensors header is not valid JSON ({e.Message}); the file is corrupt or not safetensors.");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new CheckpointException($"{path}: the safetensors header must be a JSON object; the file is corrupt or not safetensors.");
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<SafetensorsEntry>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == MetadataKey)
                    ReadMetadata(path, property.Value, metadata);
                else
                    entries.Add(ReadEntry(path, property.Name, property.Value));
            }
            CheckLayout(path, entries, dataLength);
            return (entries, metadata);
        }
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new CheckpointException($"{path}: '{MetadataKey}' must be an object of strings.");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new CheckpointException($"{path}: '{MetadataKey}.{item.Name}' must be a string.");
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static SafetensorsEntry ReadEntry(string path, string name, JsonElement value)
    {
        string where = $"{path}: tensor '{name}'";
        if (value.ValueKind != JsonValueKind.Object)
            throw new CheckpointException($"{where}: the header entry must be an object with dtype, shape and data_offsets.");
        string dtype = value.TryGetProperty("dtype", out var d) && d.ValueKind == JsonValueKind.String
            ? d.GetString()!
            : throw new CheckpointException($"{where}: the header entry has no string 'dtype'.");
        if (SafetensorsDtype.ElementSize(dtype) is null)
            throw new CheckpointException(
                $"{where}: dtype '{dtype}' is not a safetensors dtype (known: {string.Join(", ", SafetensorsDtype.Known)}).");
        long[] shape = ReadLongs(where, value, "shape", length: null);
        if (shape.Any(x => x < 0))
            throw new CheckpointException($"{where}: shape [{string.Join(", ", shape)}] has a negative dimension.");
        long[] offsets = ReadLongs(where, value, "data_offsets", length: 2);
        if (offsets[0] < 0 || offsets[1] < offsets[0])
            throw new CheckpointException($"{where}: data_offsets [{offsets[0]}, {offsets[1]}] are not an ascending pair of non-negative offsets.");
        return new SafetensorsEntry(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static long[] ReadLongs(string where, JsonElement entry, string field, int? length)
    {
        if (!entry.TryGetProperty(field, out var array) || array.ValueKind != JsonValueKind.Array)
            throw new CheckpointException($"{where}: the header entry has no '{field}' array.");
        var values = new List<long>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long v))
                throw new CheckpointException($"{where}: '{field}' must hold integers, found {item.GetRawText()}.");
            values.Add(v);
        }
        if (length is { } n && values.Count != n)
            throw new CheckpointException($"{where}: '{field}' must hold {n} integers, found {values.Count}.");
        return [.. values];
    }

    /// <summary>Sizes first (they name one tensor), then the back-to-back layout (it names two).</summary>
    private static void CheckLayout(string path, List<SafetensorsEntry> entries, long dataLength)
    {
        foreach (var entry in entries)
        {
            long expected = ExpectedBytes(path, entry);
            if (entry.ByteLength != expected)
                throw new CheckpointException(
                    $"{path}: tensor '{entry.Name}': data_offsets [{entry.Begin}, {entry.End}) hold {entry.ByteLength} bytes but " +
                    $"{entry.Dtype} [{string.Join(", ", entry.Shape)}] needs {expected}; the header is corrupt.");
            if (entry.End > dataLength)
                throw new CheckpointException(
                    $"{path}: tensor '{entry.Name}': data_offsets [{entry.Begin}, {entry.End}) run past the end of the data section " +
                    $"({dataLength} bytes); the file is truncated (re-download or re-copy it).");
        }
        long position = 0;
        SafetensorsEntry? previous = null;
        foreach (var entry in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (entry.Begin < position)
                throw new CheckpointException(
                    $"{path}: tensor '{entry.Name}' [{entry.Begin}, {entry.End}) overlaps tensor '{previous!.Name}' " +
                    $"[{previous.Begin}, {previous.End}); the header is corrupt.");
            if (entry.Begin > position)
                throw new CheckpointException(
                    $"{path}: tensor '{entry.Name}' starts at data offset {entry.Begin} but the previous tensor ends at {position}; " +
                    "safetensors tensors are stored back to back, so the header is corrupt.");
            position = entry.End;
            previous = entry;
        }
        if (position != dataLength)
            throw new CheckpointException(
                $"{path}: the tensors end at data offset {position} but the data section has {dataLength} bytes; " +
                "the file has trailing bytes or its header is corrupt.");
    }

    private static long ExpectedBytes(string path, SafetensorsEntry entry)
    {
        try
        {
            return checked(entry.ElementCount * SafetensorsDtype.ElementSize(entry.Dtype)!.Value);
        }
        catch (OverflowException)
        {
            throw new CheckpointException($"{path}: tensor '{entry.Name}': shape [{string.Join(", ", entry.Shape)}] overflows 64 bits.");
        }
    }
}
