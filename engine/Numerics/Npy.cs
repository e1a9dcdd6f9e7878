using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace LlmOperator.Engine.Numerics;

/// <summary>
/// NumPy <c>.npy</c> files holding float32 arrays: format version 1.0, C order, little-endian (<c>&lt;f4</c>), as
/// <c>numpy.save</c> writes them, so <c>numpy.load</c> and other tools read what <c>generate --dump-logits</c> writes.
/// </summary>
public static partial class Npy
{
    /// <summary>"\x93NUMPY" then major 1, minor 0.</summary>
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>numpy pads magic + version + length + header to a multiple of 64 bytes (format.py ARRAY_ALIGN).</summary>
    private const int Alignment = 64;

    /// <summary>magic (6) + version (2) + header length (2).</summary>
    private const int PreambleLength = 10;

    public static void WriteFloat32(string path, float[] data, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Any(d => d < 0))
            throw new ArgumentException($"shape ({string.Join(", ", shape)}) has a negative dimension.", nameof(shape));
        long count = shape.Aggregate(1L, (a, d) => a * d);
        if (count != data.Length)
            throw new ArgumentException($"shape ({string.Join(", ", shape)}) holds {count} values but {data.Length} were given.", nameof(data));

        using var stream = File.Create(path);
        stream.Write(Header(shape));
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(data.AsSpan()));
            return;
        }
        // Big-endian machines: one float at a time keeps the file little-endian.
        Span<byte> buffer = stackalloc byte[4];
        foreach (float value in data)
        {
            BinaryPrimitives.WriteSingleLittleEndian(buffer, value);
            stream.Write(buffer);
        }
    }

    public static (float[] Data, long[] Shape) ReadFloat32(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < PreambleLength || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new InvalidDataException($"{path}: not a NumPy .npy file (the magic string \\x93NUMPY is missing).");
        if (bytes[6] != 1 || bytes[7] != 0)
            throw new InvalidDataException($"{path}: .npy format version {bytes[6]}.{bytes[7]} is not supported; only 1.0 is.");
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8, 2));
        if (PreambleLength + headerLength > bytes.Length)
            throw new InvalidDataException($"{path}: the header length {headerLength} runs past the end of the file ({bytes.Length} bytes).");
        string header = Encoding.ASCII.GetString(bytes, PreambleLength, headerLength);
        long[] shape = ParseHeader(path, header);

        long count = shape.Aggregate(1L, (a, d) => a * d);
        int offset = PreambleLength + headerLength;
        if (count * 4 != bytes.Length - offset)
            throw new InvalidDataException(
                $"{path}: shape ({string.Join(", ", shape)}) needs {count * 4} data bytes but the file holds {bytes.Length - offset}.");
        var data = new float[count];
        if (BitConverter.IsLittleEndian)
            bytes.AsSpan(offset).CopyTo(MemoryMarshal.AsBytes(data.AsSpan()));
        else
            for (int i = 0; i < data.Length; i++)
                data[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(offset + 4 * i, 4));
        return (data, shape);
    }

    /// <summary>The header exactly as numpy 1.x/2.x writes it: the dict, spaces, then '\n' ending on a 64-byte boundary.</summary>
    internal static byte[] Header(long[] shape)
    {
        string tuple = shape.Length == 1
            ? $"({shape[0]},)"
            : "(" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")";
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {tuple}, }}";
        int unpadded = PreambleLength + dict.Length + 1;
        int padding = (Alignment - unpadded % Alignment) % Alignment;
        string text = dict + new string(' ', padding) + "\n";

        var header = new byte[PreambleLength + text.Length];
        Magic.CopyTo(header, 0);
        header[6] = 1;
        header[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8, 2), (ushort)text.Length);
        Encoding.ASCII.GetBytes(text).CopyTo(header, PreambleLength);
        return header;
    }

    private static long[] ParseHeader(string path, string header)
    {
        var descr = DescrPattern().Match(header);
        if (!descr.Success || descr.Groups[1].Value is not ("<f4" or "|f4" or "f4"))
            throw new InvalidDataException($"{path}: only little-endian float32 ('<f4') arrays are supported; the header is {header.Trim()}.");
        var fortran = FortranPattern().Match(header);
        if (!fortran.Success || fortran.Groups[1].Value != "False")
            throw new InvalidDataException($"{path}: only C-order arrays (fortran_order False) are supported; the header is {header.Trim()}.");
        var shape = ShapePattern().Match(header);
        if (!shape.Success)
            throw new InvalidDataException($"{path}: the header has no shape tuple: {header.Trim()}.");
        return shape.Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => long.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out long v)
                ? v
                : throw new InvalidDataException($"{path}: shape entry '{d}' is not a non-negative integer."))
            .ToArray();
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
