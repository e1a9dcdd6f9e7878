using System.CommandLine;
using LlmOperator.Engine.Contract;
using LlmOperator.Rules.Settings;

namespace LlmOperator.Engine.Generation;

/// <summary>
/// <c>generate</c>: greedy generation for one prompt, for scripts and checks. Prints one JSON object
/// <c>{"prompt_token_ids": [...], "token_ids": [...], "text": "..."}</c>; with <c>--dump-logits FILE.npy</c> also writes
/// every position's logits. Engine flags have <c>serve</c>'s names and go through the same start-up rules. One
/// sequence runs at a time, so <c>--max-num-seqs</c> is 1 and the step budget (<c>--max-num-batched-tokens</c>,
/// default 2048) is the prefill chunk.
/// </summary>
public static class GenerateCommand
{
    public const int DefaultMaxNumBatchedTokens = 2048;

    public static Command Create()
    {
        var model = new Option<string>(Fields.FlagFor(Fields.Model)) { Description = "Hugging Face checkpoint directory.", Required = true };
        var prompt = new Option<string?>("--prompt") { Description = "Text to complete (encoded with the model's tokenizer.json, BOS first)." };
        var tokenIds = new Option<string?>("--token-ids") { Description = "Prompt token ids, separated by spaces or commas, e.g. \"1 2 3\"." };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Tokens to generate.", DefaultValueFactory = _ => 16 };
        var tp = new Option<int>(Fields.FlagFor(Fields.TensorParallelSize), "-tp") { Description = "Tensor-parallel ranks.", DefaultValueFactory = _ => 1 };
        var maxModelLen = new Option<long?>(Fields.FlagFor(Fields.MaxModelLen)) { Description = "Longest sequence (prompt + output); default: the model's maximum." };
        var blockSize = new Option<int>(Fields.FlagFor(Fields.BlockSize)) { Description = "Tokens per KV-cache block.", DefaultValueFactory = _ => 16 };
        var dtype = new Option<string>(Fields.FlagFor(Fields.Dtype)) { Description = "auto, bfloat16, float16 or float32.", DefaultValueFactory = _ => "auto" };
        var budget = new Option<int>(Fields.FlagFor(Fields.MaxNumBatchedTokens))
        {
            Description = "Token budget of one step (the prefill chunk).", DefaultValueFactory = _ => DefaultMaxNumBatchedTokens,
        };
        var dumpLogits = new Option<string?>("--dump-logits") { Description = "Write float32 logits [T + G − 1, vocab] to this .npy file." };
        var ignoreEos = new Option<bool>("--ignore-eos") { Description = "Do not stop at the end-of-sequence token." };
        var terminationLog = new Option<string>(TerminationLog.Flag)
        {
            Description = $"Where a failure's termination message goes; default ${TerminationLog.PathVariable}, else {TerminationLog.DefaultPath}.",
            DefaultValueFactory = _ => TerminationLog.DefaultFromEnvironment(),
        };
        maxTokens.Validators.Add(r => { if (r.Tokens.Count > 0 && r.GetValueOrDefault<int>() < 1) r.AddError("--max-tokens must be at least 1."); });

        var command = new Command("generate", "Greedy generation for one prompt; prints {\"prompt_token_ids\", \"token_ids\", \"text\"} as JSON.")
        {
            model, prompt, tokenIds, maxTokens, tp, maxModelLen, blockSize, dtype, budget, dumpLogits, ignoreEos, terminationLog,
        };
        command.Validators.Add(r =>
        {
            if ((r.GetResult(prompt) is null) == (r.GetResult(tokenIds) is null))
                r.AddError("Give exactly one of --prompt TEXT and --token-ids \"1 2 3\".");
            if (r.GetResult(tokenIds) is { } ids && TokenIdList.TryParse(ids.GetValueOrDefault<string?>(), out _) is { } error)
                r.AddError($"--token-ids: {error}");
        });
        command.SetAction(result =>
        {
            TokenIdList.TryParse(result.GetValue(tokenIds), out var ids);
            var options = new GenerateOptions
            {
                Model = result.GetRequiredValue(model),
                Prompt = result.GetValue(prompt),
                TokenIds = ids,
                MaxTokens = result.GetValue(maxTokens),
                Settings = new EngineSettings
                {
                    Runtime = EngineRuntime.Engine,
                    TensorParallelSize = result.GetValue(tp),
                    MaxModelLen = result.GetValue(maxModelLen),
                    BlockSize = result.GetValue(blockSize),
                    Dtype = result.GetRequiredValue(dtype),
                    MaxNumSeqs = 1,
                    MaxNumBatchedTokens = result.GetValue(budget),
                },
                DumpLogitsPath = result.GetValue(dumpLogits),
                IgnoreEos = result.GetValue(ignoreEos),
                TerminationLogPath = result.GetRequiredValue(terminationLog),
            };
            return GenerateRunner.Run(options, Console.Out, Console.Error);
        });
        return command;
    }
}

/// <summary>Parses <c>--token-ids</c>: integers separated by spaces and/or commas.</summary>
internal static class TokenIdList
{
    /// <summary>Null on success (ids set; null when <paramref name="text"/> is null), else what is wrong.</summary>
    public static string? TryParse(string? text, out IReadOnlyList<int>? ids)
    {
        ids = null;
        if (text is null) return null;
        var parts = text.Split([' ', ',', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) return "no token ids given.";
        var parsed = new List<int>(parts.Length);
        foreach (string part in parts)
        {
            if (!int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int id))
                return $"'{part}' is not a token id (a non-negative integer).";
            parsed.Add(id);
        }
        ids = parsed;
        return null;
    }
}
