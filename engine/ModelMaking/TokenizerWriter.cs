using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmOperator.Engine.Tokenization;

namespace LlmOperator.Engine.ModelMaking;

/// <summary>
/// Writes <c>tokenizer.json</c> and <c>tokenizer_config.json</c> in the layout of Llama 3 / Llama 4 on Hugging Face: a
/// byte-level BPE model (<c>ignore_merges: true</c>, tiktoken style) with exactly <c>vocab_size</c> ids — 256 byte
/// tokens, merges learned from <see cref="TrainingText"/>, placeholders when the text teaches too few, then up to 256
/// special tokens (named ones first, reserved ones after, as Llama 3 has) at the top ids as <c>added_tokens</c> — a Split(regex) + ByteLevel pre-tokenizer, a post-processor that
/// prepends <c>&lt;|begin_of_text|&gt;</c>, and a ByteLevel decoder.
/// </summary>
public static class TokenizerWriter
{
    public const string TokenizerFile = "tokenizer.json";
    public const string TokenizerConfigFile = "tokenizer_config.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Llama 3 keeps 256 special tokens (named plus reserved) at the top of its vocabulary; so do these.</summary>
    private const int SpecialTokenCount = 256;

    public static SpecialTokenIds Write(string directory, ModelSpec spec)
    {
        var flavor = TokenizerFlavor.For(spec);
        int mergeBudget = spec.VocabSize - 256 - flavor.NamedSpecials.Count;
        if (mergeBudget < 0)
            throw new ArgumentException(
                $"vocab_size {spec.VocabSize} cannot hold the 256 byte tokens and {flavor.NamedSpecials.Count} special tokens.");
        var merges = BpeMergeLearner.Learn(TrainingText.English, flavor.SplitPattern, mergeBudget);
        var vocab = new List<string>(ByteLevelAlphabet.Bytes.Select(b => ByteLevelAlphabet.Encode([b])));
        vocab.AddRange(merges.Select(m => m.Left + m.Right));
        int room = spec.VocabSize - vocab.Count;
        int specialCount = Math.Min(room, Math.Max(SpecialTokenCount, flavor.NamedSpecials.Count));
        vocab.AddRange(Placeholders(room - specialCount));
        var specials = Specials(flavor, specialCount);
        int firstSpecial = vocab.Count;

        File.WriteAllText(Path.Combine(directory, TokenizerFile),
            TokenizerJson(flavor, vocab, merges, specials, firstSpecial).ToJsonString(Indented) + "\n");
        File.WriteAllText(Path.Combine(directory, TokenizerConfigFile),
            TokenizerConfig(flavor, specials, firstSpecial, spec.MaxPositionEmbeddings).ToJsonString(Indented) + "\n");

        int Id(string token) => firstSpecial + specials.IndexOf(token);
        return new SpecialTokenIds(Id(flavor.Bos), [.. flavor.Eos.Select(Id)], Id(flavor.Pad));
    }

    /// <summary>
    /// Filler for vocabularies larger than the training text can teach (the 32000 of the bench presets): ordinary
    /// tokens made only of bytes that never occur in UTF-8 (0xC0, 0xC1, 0xF5–0xFF), so no text encodes to them and
    /// the vocabulary needs no huge special-token list (Microsoft.ML.Tokenizers compiles special tokens into one
    /// regex). Decoding one gives U+FFFD characters, as for any partial UTF-8 token.
    /// </summary>
    private static IEnumerable<string> Placeholders(int count)
    {
        byte[] digits = [0xC0, 0xC1, .. Enumerable.Range(0xF5, 11).Select(b => (byte)b)];
        if (count > Math.Pow(digits.Length, 5))
            throw new ArgumentException($"vocab_size leaves {count} placeholder tokens; at most {Math.Pow(digits.Length, 5)} fit.");
        for (int k = 0; k < count; k++)
        {
            var bytes = new byte[5];
            for (int i = 4, n = k; i >= 0; i--, n /= digits.Length)
                bytes[i] = digits[n % digits.Length];
            yield return ByteLevelAlphabet.Encode(bytes);
        }
    }

    private static List<string> Specials(TokenizerFlavor flavor, int count)
    {
        var specials = flavor.NamedSpecials.ToList();
        for (int n = flavor.FirstReservedNumber; specials.Count < count; n++)
            specials.Add(string.Format(CultureInfo.InvariantCulture, flavor.ReservedFormat, n));
        return specials;
    }

    private static JsonObject TokenizerJson(TokenizerFlavor flavor, List<string> vocab, IReadOnlyList<(string Left, string Right)> merges,
        List<string> specials, int firstSpecial)
    {
        var vocabJson = new JsonObject();
        for (int id = 0; id < vocab.Count; id++)
            vocabJson[vocab[id]] = id;
        var added = new JsonArray();
        for (int i = 0; i < specials.Count; i++)
            added.Add(AddedToken(firstSpecial + i, specials[i]));
        return new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = added,
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["pretokenizers"] = new JsonArray(
                    new JsonObject
                    {
                        ["type"] = "Split",
                        ["pattern"] = new JsonObject { ["Regex"] = flavor.SplitPattern },
                        ["behavior"] = "Isolated",
                        ["invert"] = false,
                    },
                    ByteLevel(addPrefixSpace: false, useRegex: false)),
            },
            ["post_processor"] = PostProcessor(flavor.Bos, firstSpecial + specials.IndexOf(flavor.Bos)),
            ["decoder"] = ByteLevel(addPrefixSpace: true, useRegex: true),
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["dropout"] = null,
                ["unk_token"] = null,
                ["continuing_subword_prefix"] = null,
                ["end_of_word_suffix"] = null,
                ["fuse_unk"] = false,
                ["byte_fallback"] = false,
                ["ignore_merges"] = true,
                ["vocab"] = vocabJson,
                ["merges"] = new JsonArray([.. merges.Select(m => (JsonNode)$"{m.Left} {m.Right}")]),
            },
        };
    }

    private static JsonObject AddedToken(int id, string content) => new()
    {
        ["id"] = id,
        ["content"] = content,
        ["single_word"] = false,
        ["lstrip"] = false,
        ["rstrip"] = false,
        ["normalized"] = false,
        ["special"] = true,
    };

    private static JsonObject ByteLevel(bool addPrefixSpace, bool useRegex) => new()
    {
        ["type"] = "ByteLevel",
        ["add_prefix_space"] = addPrefixSpace,
        ["trim_offsets"] = true,
        ["use_regex"] = useRegex,
    };

    /// <summary>transformers' Llama 3 post-processor: ByteLevel offsets, then TemplateProcessing that prepends BOS.</summary>
    private static JsonObject PostProcessor(string bos, int bosId)
    {
        JsonObject Special() => new() { ["SpecialToken"] = new JsonObject { ["id"] = bos, ["type_id"] = 0 } };
        JsonObject Sequence(string id, int typeId) => new() { ["Sequence"] = new JsonObject { ["id"] = id, ["type_id"] = typeId } };
        return new JsonObject
        {
            ["type"] = "Sequence",
            ["processors"] = new JsonArray(
                new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = false, ["use_regex"] = true },
                new JsonObject
                {
                    ["type"] = "TemplateProcessing",
                    ["single"] = new JsonArray(Special(), Sequence("A", 0)),
                    ["pair"] = new JsonArray(Special(), Sequence("A", 0), Special(), Sequence("B", 1)),
                    ["special_tokens"] = new JsonObject
                    {
                        [bos] = new JsonObject { ["id"] = bos, ["ids"] = new JsonArray(bosId), ["tokens"] = new JsonArray(bos) },
                    },
                }),
        };
    }

    private static JsonObject TokenizerConfig(TokenizerFlavor flavor, List<string> specials, int firstSpecial, int maxLength)
    {
        var decoder = new JsonObject();
        for (int i = 0; i < specials.Count; i++)
        {
            var token = AddedToken(firstSpecial + i, specials[i]);
            token.Remove("id");
            decoder[(firstSpecial + i).ToString(CultureInfo.InvariantCulture)] = token;
        }
        return new JsonObject
        {
            ["added_tokens_decoder"] = decoder,
            ["bos_token"] = flavor.Bos,
            ["chat_template"] = flavor.ChatTemplate,
            ["clean_up_tokenization_spaces"] = true,
            ["eos_token"] = flavor.EndOfTurn,
            ["model_input_names"] = new JsonArray("input_ids", "attention_mask"),
            ["model_max_length"] = maxLength,
            ["pad_token"] = flavor.Pad,
            ["tokenizer_class"] = "PreTrainedTokenizerFast",
        };
    }
}
