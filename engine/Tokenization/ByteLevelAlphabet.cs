namespace LlmOperator.Engine.Tokenization;

/// <summary>
/// The byte-level BPE alphabet of GPT-2 (<c>bytes_to_unicode</c>), which Llama 3 and Llama 4 tokenizer.json files
/// use for their vocab and merges: printable Latin-1 bytes stand for themselves, the other 68 bytes map to
/// U+0100.. in byte order (so a space is 'Ġ'). The order of <see cref="Bytes"/> is also the id order of the 256
/// single-byte tokens in those vocabularies.
/// </summary>
public static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = new char[256];
    private static readonly Dictionary<char, byte> CharToByte = new();

    static ByteLevelAlphabet()
    {
        var printable = Enumerable.Range('!', '~' - '!' + 1)
            .Concat(Enumerable.Range('¡', '¬' - '¡' + 1))
            .Concat(Enumerable.Range('®', 'ÿ' - '®' + 1))
            .ToHashSet();
        var order = new List<byte>();
        foreach (int b in printable.Order())
        {
            ByteToChar[b] = (char)b;
            order.Add((byte)b);
        }
        int next = 0;
        for (int b = 0; b < 256; b++)
        {
            if (printable.Contains(b)) continue;
            ByteToChar[b] = (char)(256 + next++);
            order.Add((byte)b);
        }
        for (int b = 0; b < 256; b++)
            CharToByte[ByteToChar[b]] = (byte)b;
        Bytes = order;
    }

    /// <summary>All 256 bytes, printable ones first: the id order of byte tokens in GPT-2-style vocabularies.</summary>
    public static IReadOnlyList<byte> Bytes { get; }

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++)
            chars[i] = ByteToChar[bytes[i]];
        return new string(chars);
    }

    /// <summary>The bytes a vocab string stands for, or null when it holds a character outside the alphabet.</summary>
    public static byte[]? Decode(string token)
    {
        var bytes = new byte[token.Length];
        for (int i = 0; i < token.Length; i++)
        {
            if (!CharToByte.TryGetValue(token[i], out byte b))
                return null;
            bytes[i] = b;
        }
        return bytes;
    }
}
