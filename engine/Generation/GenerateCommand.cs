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
public sealed class GenerateCommand
{
    public const int DefaultMaxNumBatchedTokens = 2048;

    private readonly Option<string> _model = new(Fields.FlagFor(Fields.Model)) { Description = "Hugging Face checkpoint directory, or a hub id (ORG/NAME) in the Hugging Face cache.", Required = true };
    private readonly Option<string?> _prompt = new("--prompt") { Description = "Text to complete (encoded with the model's tokenizer.json, BOS first)." };
    private readonly Option<string?> _tokenIds = new("--token-ids") { Description = "Prompt token ids, separated by spaces or commas, e.g. \"1 2 3\"." };
    private readonly Option<int> _maxTokens = new("--max-tokens") { Description = "Tokens to generate.", DefaultValueFactory = _ => 16 };
    private readonly Option<int> _tensorParallelSize = new(Fields.FlagFor(Fields.TensorParallelSize), "-tp")
    {
        Description = "Tensor-parallel ranks.", DefaultValueFactory = _ => 1,
    };
    private readonly Option<long?> _maxModelLen = new(Fields.FlagFor(Fields.MaxModelLen))
    {
        Description = "Longest sequence (prompt + output); default: the model's maximum.",
    };
    private readonly Option<int> _blockSize = new(Fields.FlagFor(Fields.BlockSize)) { Description = "Tokens per KV-cache block.", DefaultValueFactory = _ => 16 };
    private readonly Option<string> _dtype = new(Fields.FlagFor(Fields.Dtype)) { Description = "auto, bfloat16, float16 or float32.", DefaultValueFactory = _ => "auto" };
    private readonly Option<int> _maxNumBatchedTokens = new(Fields.FlagFor(Fields.MaxNumBatchedTokens))
    {
        Description = "Token budget of one step (the prefill chunk).", DefaultValueFactory = _ => DefaultMaxNumBatchedTokens,
    };
    private readonly Option<string?> _dumpLogits = new("--dump-logits") { Description = "Write float32 logits [T + G − 1, vocab] to this .npy file." };
    private readonly Option<bool> _ignoreEos = new("--ignore-eos") { Description = "Do not stop at the end-of-sequence token." };
    private readonly Option<string> _terminationLogPath = new(TerminationLog.Flag)
    {
        Description = $"Where a failure's termination message goes; default ${TerminationLog.PathVariable}, else {TerminationLog.DefaultPath}.",
        DefaultValueFactory = _ => TerminationLog.DefaultFromEnvironment(),
    };

    private GenerateCommand()
    {
        _maxTokens.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && r.GetValueOrDefault<int>() < 1) r.AddError("--max-tokens must be at least 1.");
        });
        Command = new Command("generate", "Greedy generation for one prompt; prints {\"prompt_token_ids\", \"token_ids\", \"text\"} as JSON.")
        {
            _model, _prompt, _tokenIds, _maxTokens, _tensorParallelSize, _maxModelLen, _blockSize, _dtype, _maxNumBatchedTokens,
            _dumpLogits, _ignoreEos, _terminationLogPath,
        };
        Command.Validators.Add(r =>
        {
            if ((r.GetResult(_prompt) is null) == (r.GetResult(_tokenIds) is null))
                r.AddError("Give exactly one of --prompt TEXT and --token-ids \"1 2 3\".");
            if (r.GetResult(_tokenIds) is { } ids && TokenIdList.TryParse(ids.GetValueOrDefault<string?>(), out _) is { } error)
                r.AddError($"--token-ids: {error}");
        });
    }

    private Command Command { get; }

    /// <summary>The command with its action: bind, then hand over to <see cref="GenerateRunner"/>.</summary>
    public static Command Create()
    {
        var generate = new GenerateCommand();
        generate.Command.SetAction(result => GenerateRunner.Run(generate.Bind(result), Console.Out, Console.Error));
        return generate.Command;
    }

    private GenerateOptions Bind(ParseResult result)
    {
        TokenIdList.TryParse(result.GetValue(_tokenIds), out var ids);
        return new GenerateOptions
        {
            Model = result.GetRequiredValue(_model),
            Prompt = result.GetValue(_prompt),
            TokenIds = ids,
            MaxTokens = result.GetValue(_maxTokens),
            Settings = new EngineSettings
            {
                Runtime = EngineRuntime.Engine,
                TensorParallelSize = result.GetValue(_tensorParallelSize),
                MaxModelLen = result.GetValue(_maxModelLen),
                BlockSize = result.GetValue(_blockSize),
                Dtype = result.GetRequiredValue(_dtype),
                MaxNumSeqs = 1,
                MaxNumBatchedTokens = result.GetValue(_maxNumBatchedTokens),
            },
            DumpLogitsPath = result.GetValue(_dumpLogits),
            IgnoreEos = result.GetValue(_ignoreEos),
            TerminationLogPath = result.GetRequiredValue(_terminationLogPath),
        };
    }
}
