using LlmOperator.Engine.Tokenization;

namespace LlmOperator.Engine.ModelMaking;

/// <summary>The ids of the special tokens a made tokenizer holds, for config.json and generation_config.json.</summary>
public sealed record SpecialTokenIds(int Bos, IReadOnlyList<int> Eos, int Pad);

/// <summary>
/// What distinguishes a Llama 3 tokenizer from a Llama 4 one when <c>make-model</c> writes it: the split regex, the
/// named special tokens in their real order (Llama 3.1: 128000.., Llama 4: 200000..), the reserved-token name
/// that fills the rest of the vocabulary, and the chat template's header and end-of-turn tokens.
/// </summary>
internal sealed record TokenizerFlavor(
    string SplitPattern,
    IReadOnlyList<string> NamedSpecials,
    string ReservedFormat,
    int FirstReservedNumber,
    string Bos,
    IReadOnlyList<string> Eos,
    string EndOfTurn,
    string Pad,
    string HeaderStart,
    string HeaderEnd)
{
    public static readonly TokenizerFlavor Llama3 = new(
        SplitPatterns.Llama3,
        ["<|begin_of_text|>", "<|end_of_text|>", "<|reserved_special_token_0|>", "<|reserved_special_token_1|>",
         "<|finetune_right_pad_id|>", "<|reserved_special_token_2|>", "<|start_header_id|>", "<|end_header_id|>",
         "<|eom_id|>", "<|eot_id|>", "<|python_tag|>"],
        "<|reserved_special_token_{0}|>",
        FirstReservedNumber: 3,
        Bos: "<|begin_of_text|>",
        Eos: ["<|end_of_text|>", "<|eom_id|>", "<|eot_id|>"],
        EndOfTurn: "<|eot_id|>",
        Pad: "<|finetune_right_pad_id|>",
        HeaderStart: "<|start_header_id|>",
        HeaderEnd: "<|end_header_id|>");

    public static readonly TokenizerFlavor Llama4 = new(
        SplitPatterns.Llama4,
        ["<|begin_of_text|>", "<|end_of_text|>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>",
         "<|header_start|>", "<|header_end|>", "<|eom|>", "<|eot|>", "<|step|>", "<|finetune_right_pad|>"],
        "<|text_post_train_reserved_special_token_{0}|>",
        FirstReservedNumber: 0,
        Bos: "<|begin_of_text|>",
        Eos: ["<|end_of_text|>", "<|eom|>", "<|eot|>"],
        EndOfTurn: "<|eot|>",
        Pad: "<|finetune_right_pad|>",
        HeaderStart: "<|header_start|>",
        HeaderEnd: "<|header_end|>");

    public static TokenizerFlavor For(ModelSpec spec) => spec.IsLlama4 ? Llama4 : Llama3;

    /// <summary>A Llama 3 style chat template (role headers, trimmed content, end-of-turn token) in Jinja.</summary>
    public string ChatTemplate =>
        "{{- bos_token }}" +
        "{%- for message in messages %}" +
        $"{{{{- '{HeaderStart}' + message['role'] + '{HeaderEnd}\\n\\n' + message['content'] | trim + '{EndOfTurn}' }}}}" +
        "{%- endfor %}" +
        $"{{%- if add_generation_prompt %}}{{{{- '{HeaderStart}assistant{HeaderEnd}\\n\\n' }}}}{{%- endif %}}";
}
