using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using TorchSharp;

namespace LlmOperator.Engine.Weights;

/// <summary>A tensor to write: its name, its shape and a function that makes it (called once, when its turn comes,
/// so a large model never sits in memory whole).</summary>
public sealed record PendingTensor(string Name, long[] Shape, Func<torch.Tensor> Produce);

/// <summary>
/// Writes safetensors files the way huggingface/safetensors does: header length, JSON header (with
/// <c>__metadata__</c>) padded with spaces to a multiple of 8 so the data is aligned, then the tensors back to back.
/// <see cref="WriteCheckpoint"/> adds the Hugging Face sharded layout (<c>model-0000N-of-0000M.safetensors</c> plus
/// <c>model.safetensors.index.json</c>).
/// </summary>
public static class SafetensorsWriter
{
    public const string SingleFileName = "model.safetensors";

    private const int Alignment = 8;

    /// <summary>Writes one file; every tensor is converted to <paramref name="dtype"/> (F32, F16 or BF16).</summary>
    public static void Write(string path, IReadOnlyList<PendingTensor> tensors, string dtype,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var type = SafetensorsDtype.FloatScalarType(dtype)
            ?? throw new ArgumentException($"dtype '{dtype}' is not a float dtype the writer stores.", nameof(dtype));
        byte[] header = Header(tensors, dtype, metadata ?? new Dictionary<string, string> { ["format"] = "pt" });
        string temporary = path + ".partial";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            stream.Write(header);
            foreach (var pending in tensors)
                WriteTensor(stream, pending, type);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// Writes <c>model.safetensors</c> when <paramref name="shards"/> is 1, else that many shards of about equal size
    /// in tensor order and the index that maps each tensor to its shard. Returns the files written.
    /// </summary>
    public static IReadOnlyList<string> WriteCheckpoint(string directory, IReadOnlyList<PendingTensor> tensors, string dtype, int shards)
    {
        if (shards < 1 || shards > tensors.Count)
            throw new ArgumentException($"--shards must be between 1 and the number of tensors ({tensors.Count}); got {shards}.", nameof(shards));
        Directory.CreateDirectory(directory);
        if (shards == 1)
        {
            string single = Path.Combine(directory, SingleFileName);
            Write(single, tensors, dtype);
            return [single];
        }
        var groups = Split(tensors, dtype, shards);
        var written = new List<string>();
        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < groups.Count; i++)
        {
            string name = ShardIndex.ShardFileName(i + 1, groups.Count);
            Write(Path.Combine(directory, name), groups[i], dtype);
            foreach (var tensor in groups[i])
                weightMap[tensor.Name] = name;
            written.Add(Path.Combine(directory, name));
        }
        long totalSize = tensors.Sum(t => ByteLength(t, dtype));
        string index = Path.Combine(directory, ShardIndex.FileName);
        ShardIndex.Write(index, weightMap, totalSize);
        written.Add(index);
        return written;
    }

    private static List<List<PendingTensor>> Split(IReadOnlyList<PendingTensor> tensors, string dtype, int shards)
    {
        long total = tensors.Sum(t => ByteLength(t, dtype));
        var groups = Enumerable.Range(0, shards).Select(_ => new List<PendingTensor>()).ToList();
        long before = 0;
        int current = 0;
        for (int i = 0; i < tensors.Count; i++)
        {
            // Shard by the byte position where the tensor starts; never skip a shard, and keep one tensor
            // for each shard still to come.
            int byBytes = total == 0 ? 0 : (int)Math.Min(shards - 1, before * shards / total);
            int needed = shards - (tensors.Count - i);
            current = i == 0 ? 0 : Math.Min(current + 1, Math.Max(current, Math.Max(byBytes, needed)));
            groups[current].Add(tensors[i]);
            before += ByteLength(tensors[i], dtype);
        }
        return groups;
    }

    private static long ByteLength(PendingTensor tensor, string dtype) =>
        tensor.Shape.Aggregate(1L, (a, d) => checked(a * d)) * SafetensorsDtype.ElementSize(dtype)!.Value;

    private static byte[] Header(IReadOnlyList<PendingTensor> tensors, string dtype, IReadOnlyDictionary<string, string> metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject(SafetensorsHeader.MetadataKey);
            foreach (var (key, value) in metadata)
                json.WriteString(key, value);
            json.WriteEndObject();
            long offset = 0;
            foreach (var tensor in tensors)
            {
                long length = ByteLength(tensor, dtype);
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", dtype);
                json.WriteStartArray("shape");
                foreach (long d in tensor.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += length;
            }
            json.WriteEndObject();
        }
        int unpadded = (int)buffer.Length;
        int padded = (unpadded + Alignment - 1) / Alignment * Alignment;
        var header = new byte[8 + padded];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)padded);
        buffer.GetBuffer().AsSpan(0, unpadded).CopyTo(header.AsSpan(8));
        header.AsSpan(8 + unpadded).Fill((byte)' ');
        return header;
    }

    private static void WriteTensor(Stream stream, PendingTensor pending, torch.ScalarType type)
    {
        using var scope = torch.NewDisposeScope();
        var produced = pending.Produce();
        if (!produced.shape.SequenceEqual(pending.Shape))
            throw new InvalidOperationException(
                $"tensor '{pending.Name}' was declared [{string.Join(", ", pending.Shape)}] but produced [{string.Join(", ", produced.shape)}].");
        var stored = produced.to_type(type).contiguous();
        TensorBytes.WriteTo(stream, stored);
    }
}
