using System.Globalization;
using System.IO.Compression;
using System.Reflection;
using System.Text.Json;
using LlmOperator.Engine.Tests.Weights;
using LlmOperator.Engine.Tokenization;
using Microsoft.ML.Tokenizers;

namespace LlmOperator.Engine.Tests.Tokenization;

/// <summary>
/// A real vocabulary in the form Llama 3 ships it: GPT-4's cl100k_base (100k tokens; Llama 3 extends it) converted to
/// tokenizer.json the way transformers converts tiktoken files (byte-level vocab strings, merges from every split of
/// each token, sorted by the rank of the token they make), loaded through <see cref="TextTokenizer"/>, must encode
/// as the library's reference cl100k tokenizer does.
/// </summary>
public sealed class TiktokenVocabularyTests
{
    private static readonly string[] Texts =
    [
        "Hello world! The quick brown fox jumps over the lazy dog.",
        "It's 2025: prices rose 3.5% to $1,234.56; they'll say we'd won.",
        "naïve café, Ünïcödé, 日本語のテキスト, emoji 🚀🙂, math ∑x² ≥ 0",
        "def forward(self, x):\n    return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))",
        "   leading spaces and a tab\there",
    ];

    [Fact]
    public void Encode_Should_MatchReferenceTiktoken_When_RealVocabularyIsInHuggingFaceForm()
    {
        var reference = TiktokenTokenizer.CreateForEncoding("cl100k_base");
        var ranks = ReadRanks();
        using var dir = new TempDirectory();
        WriteTokenizerJson(dir.File("tokenizer.json"), ranks, reference.SpecialTokens!);

        var tokenizer = TextTokenizer.Load(dir.Path);

        Assert.True(ranks.Count > 100_000);
        Assert.Equal(reference.SpecialTokens!.Values.Max() + 1, tokenizer.VocabSize);
        foreach (string text in Texts)
        {
            Assert.Equal(reference.EncodeToIds(text), tokenizer.Encode(text, addBos: false));
            Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text, addBos: false)));
        }
        int endOfText = reference.SpecialTokens["<|endoftext|>"];
        // Published cl100k ids: "Hello" 9906, " world" 1917.
        Assert.Equal([9906, 1917, endOfText], tokenizer.Encode("Hello world<|endoftext|>", addBos: false));
    }

    /// <summary>The rank file the data package embeds: deflated, a "Capacity: N" line, then one base64 token per line
    /// in rank order (or "base64 rank", as tiktoken files have it).</summary>
    private static Dictionary<int, byte[]> ReadRanks()
    {
        var assembly = Assembly.Load("Microsoft.ML.Tokenizers.Data.Cl100kBase");
        using var resource = assembly.GetManifestResourceStream("cl100k_base.tiktoken.deflate")!;
        using var reader = new StreamReader(new DeflateStream(resource, CompressionMode.Decompress));
        var ranks = new Dictionary<int, byte[]>();
        while (reader.ReadLine() is { Length: > 0 } line)
        {
            if (line.StartsWith("Capacity:", StringComparison.Ordinal))
                continue;
            int space = line.IndexOf(' ');
            int rank = space < 0 ? ranks.Count : int.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
            ranks[rank] = Convert.FromBase64String(space < 0 ? line : line[..space]);
        }
        return ranks;
    }

    /// <summary>transformers' TikTokenConverter: vocab = byte-level string → rank; merges = every (left, right) split
    /// of a token whose halves are tokens, ordered by the token's rank, then by the halves' ranks.</summary>
    private static void WriteTokenizerJson(string path, Dictionary<int, byte[]> tiktoken, IReadOnlyDictionary<string, int> specialTokens)
    {
        var tokens = tiktoken.OrderBy(p => p.Key).Select(p => (Id: p.Key, Text: ByteLevelAlphabet.Encode(p.Value))).ToList();
        var ranks = tokens.ToDictionary(t => t.Text, t => t.Id, StringComparer.Ordinal);
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream);
        json.WriteStartObject();
        json.WriteStartArray("added_tokens");
        foreach (var (content, id) in specialTokens)
        {
            json.WriteStartObject();
            json.WriteNumber("id", id);
            json.WriteString("content", content);
            json.WriteBoolean("special", true);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartObject("pre_tokenizer");
        json.WriteString("type", "Sequence");
        json.WriteStartArray("pretokenizers");
        json.WriteRawValue($$"""{"type":"Split","pattern":{"Regex":{{JsonSerializer.Serialize(SplitPatterns.Llama3)}}},"behavior":"Isolated"}""");
        json.WriteRawValue("""{"type":"ByteLevel","use_regex":false}""");
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteStartObject("model");
        json.WriteString("type", "BPE");
        json.WriteBoolean("ignore_merges", true);
        json.WriteStartObject("vocab");
        foreach (var (id, text) in tokens)
            json.WriteNumber(text, id);
        json.WriteEndObject();
        json.WriteStartArray("merges");
        var splits = new List<(int Left, int Right, string Merge)>();
        foreach (var (_, token) in tokens)
        {
            splits.Clear();
            for (int i = 1; i < token.Length; i++)
                if (ranks.TryGetValue(token[..i], out int left) && ranks.TryGetValue(token[i..], out int right))
                    splits.Add((left, right, $"{token[..i]} {token[i..]}"));
            foreach (var split in splits.OrderBy(x => x.Left).ThenBy(x => x.Right))
                json.WriteStringValue(split.Merge);
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
