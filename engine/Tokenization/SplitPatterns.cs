namespace LlmOperator.Engine.Tokenization;

/// <summary>The pre-tokenizer split regexes of the two tokenizers the engine serves (the tiktoken patterns that their
/// tokenizer.json files carry in <c>pre_tokenizer.pretokenizers[0].pattern.Regex</c>).</summary>
public static class SplitPatterns
{
    /// <summary>Llama 3 (cl100k-style, digits in groups of up to 3).</summary>
    public const string Llama3 =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>Llama 4 (o200k-style: case-aware words, contractions attached).</summary>
    public const string Llama4 =
        @"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|" +
        @"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|" +
        @"\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+";
}
