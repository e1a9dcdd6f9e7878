using System.Text.Json.Nodes;
using LlmOperator.Engine.ModelMaking;
using LlmOperator.Engine.Tests.Weights;
using LlmOperator.Engine.Tokenization;
using LlmOperator.Engine.Weights;

namespace LlmOperator.Engine.Tests.Tokenization;

/// <summary>tokenizer.json through Microsoft.ML.Tokenizers: round trips, special tokens, BOS/EOS, errors.</summary>
public sealed class TextTokenizerTests(MadeTokenizerFixture made) : IClassFixture<MadeTokenizerFixture>
{
    public static TheoryData<string> Texts =>
    [
        "The river runs past the old mill.",
        "It's 6:45 and the train leaves at 23:10; 1,200 visitors came!",
        "  leading spaces, tabs\tand\nnew lines\r\n\n",
        "Ünïcödé: naïve café, 日本語のテキスト, emoji 🚀🙂 and math ∑x²",
        "",
    ];

    [Theory]
    [MemberData(nameof(Texts))]
    public void Decode_Should_ReturnOriginalText_When_EncodedWithLlama4Tokenizer(string text)
    {
        var tokenizer = TextTokenizer.Load(made.Llama4Directory);

        int[] ids = tokenizer.Encode(text, addBos: false);

        Assert.Equal(text, tokenizer.Decode(ids));
        Assert.All(ids, id => Assert.InRange(id, 0, 511));
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void Decode_Should_ReturnOriginalText_When_EncodedWithLlama3Tokenizer(string text)
    {
        var tokenizer = TextTokenizer.Load(made.Llama3Directory);

        Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text, addBos: false)));
    }

    [Fact]
    public void Encode_Should_UseLearnedMerges_When_TextIsCommonEnglish()
    {
        var tokenizer = TextTokenizer.Load(made.Llama4Directory);

        int[] ids = tokenizer.Encode(" the", addBos: false);

        Assert.Single(ids);
        Assert.True(tokenizer.Encode("The river runs past the old mill.", false).Length < 20);
    }

    [Fact]
    public void Encode_Should_EmitSpecialTokenIds_When_TextContainsSpecialTokens()
    {
        var tokenizer = TextTokenizer.Load(made.Llama4Directory);
        int headerStart = tokenizer.SpecialTokens["<|header_start|>"];
        int headerEnd = tokenizer.SpecialTokens["<|header_end|>"];
        int eot = tokenizer.SpecialTokens["<|eot|>"];

        int[] ids = tokenizer.Encode("<|header_start|>user<|header_end|>\n\nHi<|eot|>", addBos: true);

        Assert.Equal(made.Llama4Ids.Bos, ids[0]);
        Assert.Equal(headerStart, ids[1]);
        Assert.Contains(headerEnd, ids);
        Assert.Equal(eot, ids[^1]);
        Assert.Equal("user\n\nHi", tokenizer.Decode(ids));
        Assert.Equal("<|begin_of_text|><|header_start|>user<|header_end|>\n\nHi<|eot|>", tokenizer.Decode(ids, skipSpecialTokens: false));
    }

    [Fact]
    public void Load_Should_ReadBosAndEosIds_When_ConfigFilesArePresent()
    {
        var llama4 = TextTokenizer.Load(made.Llama4Directory);
        var llama3 = TextTokenizer.Load(made.Llama3Directory);

        Assert.Equal(made.Llama4Ids.Bos, llama4.BosTokenId);
        Assert.Equal(made.Llama4Ids.Eos, llama4.EosTokenIds);
        Assert.Equal(llama4.SpecialTokens["<|begin_of_text|>"], llama4.BosTokenId);
        Assert.Contains(llama4.SpecialTokens["<|eot|>"], llama4.EosTokenIds);
        Assert.Contains(llama3.SpecialTokens["<|eot_id|>"], llama3.EosTokenIds);
        Assert.Contains(llama3.SpecialTokens["<|end_of_text|>"], llama3.EosTokenIds);
        Assert.Equal(512, llama4.VocabSize);
        Assert.Contains("<|header_start|>", llama4.Settings.ChatTemplate);
    }

    [Fact]
    public void Encode_Should_MatchMergeListBpe_When_VocabularyIsTiktokenStyle()
    {
        // Swapping the ids of the first and the last merged token keeps the merge list (so merge-list BPE segments
        // the same) but breaks id order, so the file loads through the library's BpeTokenizer instead of the
        // tiktoken path: both must give the same tokens.
        var tiktoken = TextTokenizer.Load(made.Llama4Directory);
        using var dir = new TempDirectory();
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(made.Llama4Directory, "tokenizer.json")))!.AsObject();
        var vocab = json["model"]!["vocab"]!.AsObject();
        var merges = json["model"]!["merges"]!.AsArray();
        string first = merges[0]!.GetValue<string>().Replace(" ", ""), last = merges[^1]!.GetValue<string>().Replace(" ", "");
        int firstId = vocab[first]!.GetValue<int>(), lastId = vocab[last]!.GetValue<int>();
        vocab[first] = lastId;
        vocab[last] = firstId;
        File.WriteAllText(dir.File("tokenizer.json"), json.ToJsonString());
        var mergeList = TextTokenizer.Load(dir.Path);

        foreach (string text in new[] { TrainingSample, "Numbers: 3 apples, 144, 299,792.", "Ünïcödé 🚀" })
        {
            int[] expected = tiktoken.Encode(text, false).Select(id => id == firstId ? lastId : id == lastId ? firstId : id).ToArray();
            Assert.Equal(expected, mergeList.Encode(text, false));
            Assert.Equal(text, mergeList.Decode(mergeList.Encode(text, false)));
        }
    }

    private const string TrainingSample = "The fishermen stand on the bank with their long rods. It's a small town, but they'd said so.";

    [Fact]
    public void Write_Should_FillVocabularyWithUnreachablePlaceholders_When_TextTeachesFewerTokens()
    {
        using var dir = new TempDirectory();
        var ids = TokenizerWriter.Write(dir.Path, ModelPresets.TinyLlama4 with { VocabSize = 3000 });

        var tokenizer = TextTokenizer.Load(dir.Path);

        Assert.Equal(3000, tokenizer.VocabSize);
        Assert.Equal(256, tokenizer.SpecialTokens.Count);
        Assert.Equal(3000 - 256, ids.Bos);
        Assert.Equal(Enumerable.Range(3000 - 256, 256), tokenizer.SpecialTokens.Values.Order());
        int firstPlaceholder = ids.Bos - 10;
        Assert.All(tokenizer.Decode([firstPlaceholder, firstPlaceholder - 100]), c => Assert.Equal('\uFFFD', c));
        int[] encoded = tokenizer.Encode(TrainingSample + " Ünïcödé 🚀 ÿþ 0xFF", addBos: false);
        Assert.All(encoded, id => Assert.True(id < firstPlaceholder - 1000, $"id {id} is a placeholder"));
    }

    [Fact]
    public void Load_Should_NameFile_When_TokenizerJsonIsMissing()
    {
        using var dir = new TempDirectory();

        var error = Assert.Throws<CheckpointException>(() => TextTokenizer.Load(dir.Path));

        Assert.Contains("tokenizer.json", error.Message);
    }

    [Theory]
    [InlineData("""{"model":{"type":"WordPiece","vocab":{"a":0}}}""", "model.type is 'WordPiece'")]
    [InlineData("""{"model":{"type":"BPE","vocab":{"a":0},"merges":[]},"pre_tokenizer":{"type":"Whitespace"}}""", "pre_tokenizer")]
    [InlineData("""{"model":{"type":"BPE","vocab":{},"merges":[]}}""", "model.vocab")]
    [InlineData("""{"model":{"type":"BPE","vocab":{"a":0},"merges":[3]}}""", "model.merges[0]")]
    [InlineData("""{"model": """, "not valid JSON")]
    public void Load_Should_NameFileAndProblem_When_TokenizerJsonIsUnsupported(string content, string problem)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("tokenizer.json"), content);

        var error = Assert.Throws<CheckpointException>(() => TextTokenizer.Load(dir.Path));

        Assert.Contains(dir.File("tokenizer.json"), error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Load_Should_NameConfig_When_BosTokenIsNotInVocabulary()
    {
        using var dir = new TempDirectory();
        File.Copy(Path.Combine(made.Llama4Directory, "tokenizer.json"), dir.File("tokenizer.json"));
        File.WriteAllText(dir.File("tokenizer_config.json"), """{"bos_token": "<|no_such_token|>"}""");

        var error = Assert.Throws<CheckpointException>(() => TextTokenizer.Load(dir.Path));

        Assert.Contains(dir.File("tokenizer_config.json"), error.Message);
        Assert.Contains("<|no_such_token|>", error.Message);
    }
}
