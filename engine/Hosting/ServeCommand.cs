using System.CommandLine;
using System.CommandLine.Parsing;
using LlmOperator.Engine.Chaos;
using LlmOperator.Engine.Contract;
using LlmOperator.Rules.Settings;

namespace LlmOperator.Engine.Hosting;

/// <summary>
/// <c>serve</c>: the OpenAI-compatible server Kubernetes runs. Flag names and defaults follow vLLM's so a
/// ModelDeployment renders the same arguments for either runtime; range checks are left to the shared rules so that
/// start-up and admission refuse exactly the same settings. The settings' flag names come from <see cref="Fields"/>, so
/// a finding names the flag that was typed.
/// </summary>
public sealed class ServeCommand
{
    private static readonly EngineSettings Defaults = new();

    private readonly Option<string> _model = new(Fields.FlagFor(Fields.Model))
    {
        Description = "Directory with a Hugging Face config.json, a hub id (ORG/NAME) in the Hugging Face cache ($HF_HUB_CACHE), or a catalog name.",
        Required = true,
    };

    private readonly Option<int> _tensorParallelSize = new(Fields.FlagFor(Fields.TensorParallelSize), "-tp")
    {
        Description = "Number of tensor-parallel ranks.",
        DefaultValueFactory = _ => Defaults.TensorParallelSize,
    };

    private readonly Option<long?> _maxModelLen = new(Fields.FlagFor(Fields.MaxModelLen))
    {
        Description = "Longest sequence (prompt + output); default: the model's maximum.",
    };

    private readonly Option<int> _blockSize = new(Fields.FlagFor(Fields.BlockSize))
    {
        Description = "Tokens per KV-cache block.",
        DefaultValueFactory = _ => Defaults.BlockSize,
    };

    private readonly Option<double> _gpuMemoryUtilization = new(Fields.FlagFor(Fields.GpuMemoryUtilization))
    {
        Description = "Fraction of each GPU's memory the engine may use.",
        DefaultValueFactory = _ => Defaults.GpuMemoryUtilization,
    };

    private readonly Option<int> _maxNumSeqs = new(Fields.FlagFor(Fields.MaxNumSeqs))
    {
        Description = "Most sequences in one step.",
        DefaultValueFactory = _ => Defaults.MaxNumSeqs,
    };

    private readonly Option<int?> _maxNumBatchedTokens = new(Fields.FlagFor(Fields.MaxNumBatchedTokens))
    {
        Description = $"Token budget of one step; default {EngineSettings.DefaultMaxNumBatchedTokens}.",
    };

    private readonly Option<string> _dtype = new(Fields.FlagFor(Fields.Dtype))
    {
        Description = "auto, bfloat16, float16 or float32.",
        DefaultValueFactory = _ => Defaults.Dtype,
    };

    private readonly Option<string> _host = new("--host")
    {
        Description = "Address to listen on.",
        DefaultValueFactory = _ => "0.0.0.0",
    };

    private readonly Option<int> _port = new("--port")
    {
        Description = "Port to listen on.",
        DefaultValueFactory = _ => 8000,
    };

    private readonly Option<string[]> _servedModelName = new("--served-model-name")
    {
        Description = "Model name(s) the API serves; default: the --model value.",
        AllowMultipleArgumentsPerToken = true,
    };

    private readonly Option<string> _terminationLogPath = new(TerminationLog.Flag)
    {
        Description = $"Where the termination message goes; default ${TerminationLog.PathVariable}, else {TerminationLog.DefaultPath}.",
        DefaultValueFactory = _ => TerminationLog.DefaultFromEnvironment(),
    };

    private readonly Option<string?> _chaosFailure = new("--chaos-failure")
    {
        Description = "Rehearsal: inject a CUDA failure of this kind through the real failure path.",
    };

    private readonly Option<int?> _chaosAfterRequests = new("--chaos-after-requests")
    {
        Description = "Rehearsal: the Nth /v1/* request raises the failure (default 1 without --chaos-after-seconds).",
    };

    private readonly Option<double?> _chaosAfterSeconds = new("--chaos-after-seconds")
    {
        Description = "Rehearsal: raise the failure M seconds after start-up.",
    };

    private readonly Option<string?> _apiKey = new("--api-key")
    {
        Description = "Require this bearer key on /v1/* requests (default: $VLLM_API_KEY, else none).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("VLLM_API_KEY") is { Length: > 0 } key ? key : null,
    };

    private readonly Option<int> _maxQueuedRequests = new("--max-queued-requests")
    {
        Description = "Requests that may wait beyond --max-num-seqs; more get 429 with Retry-After.",
        DefaultValueFactory = _ => ServeOptions.DefaultMaxQueuedRequests,
    };

    private readonly Option<double> _cpuKvCacheSpace = new("--cpu-kv-cache-space")
    {
        Description = "GiB of memory for the KV cache on the CPU (vLLM's VLLM_CPU_KVCACHE_SPACE).",
        DefaultValueFactory = _ => ServeOptions.DefaultCpuKvCacheSpaceGiB,
    };

    private readonly Option<double> _shutdownDelay = new("--shutdown-delay")
    {
        Description = "Seconds a stopping engine keeps accepting connections after SIGTERM (/ready already 503), so that " +
            "endpoints and proxies stop routing to it before its listener closes (a preStop sleep, built in).",
        DefaultValueFactory = _ => ServeOptions.DefaultShutdownDelay.TotalSeconds,
    };

    public ServeCommand()
    {
        Require(_maxQueuedRequests, v => v >= 0, "--max-queued-requests must not be negative.");
        Require(_cpuKvCacheSpace, v => v > 0, "--cpu-kv-cache-space must be a positive number of GiB.");
        Require(_shutdownDelay, v => v is >= 0 and <= 600, "--shutdown-delay must be between 0 and 600 seconds.");
        _chaosFailure.AcceptOnlyFromAmong([.. ChaosFailures.Names]);
        Require(_port, v => v is >= 0 and <= 65535, "--port must be between 0 and 65535.");
        Require(_chaosAfterRequests, v => v is null or >= 1, "--chaos-after-requests must be at least 1.");
        Require(_chaosAfterSeconds, v => v is null or >= 0, "--chaos-after-seconds must not be negative.");

        Command = new Command("serve", "Serve a model over an OpenAI-compatible HTTP API (the container's entry point).");
        foreach (Option option in AllOptions())
            Command.Options.Add(option);
        Command.Validators.Add(RequireChaosKindForTriggers);
    }

    /// <summary>The <c>serve</c> command, without an action (see <see cref="Create"/>).</summary>
    public Command Command { get; }

    /// <summary>The command with its action: bind, then hand over to <see cref="ServeRunner"/>.</summary>
    public static Command Create()
    {
        var serve = new ServeCommand();
        serve.Command.SetAction((result, cancellation) => ServeRunner.RunAsync(serve.Bind(result), cancellation));
        return serve.Command;
    }

    /// <summary>Maps parsed flags to options and <see cref="EngineSettings"/> (runtime Engine).</summary>
    public ServeOptions Bind(ParseResult result)
    {
        string model = result.GetRequiredValue(_model);
        var settings = new EngineSettings
        {
            Runtime = EngineRuntime.Engine,
            TensorParallelSize = result.GetValue(_tensorParallelSize),
            MaxModelLen = result.GetValue(_maxModelLen),
            BlockSize = result.GetValue(_blockSize),
            Dtype = result.GetRequiredValue(_dtype),
            GpuMemoryUtilization = result.GetValue(_gpuMemoryUtilization),
            MaxNumSeqs = result.GetValue(_maxNumSeqs),
            MaxNumBatchedTokens = result.GetValue(_maxNumBatchedTokens),
        };
        string[] served = result.GetValue(_servedModelName) ?? [];
        return new ServeOptions
        {
            Model = model,
            Settings = settings,
            Host = result.GetRequiredValue(_host),
            Port = result.GetValue(_port),
            ServedModelNames = served.Length > 0 ? served : [model],
            TerminationLogPath = result.GetRequiredValue(_terminationLogPath),
            Chaos = BindChaos(result),
            ApiKey = result.GetValue(_apiKey),
            MaxQueuedRequests = result.GetValue(_maxQueuedRequests),
            CpuKvCacheSpaceGiB = result.GetValue(_cpuKvCacheSpace),
            ShutdownDelay = TimeSpan.FromSeconds(result.GetValue(_shutdownDelay)),
        };
    }

    private ChaosOptions BindChaos(ParseResult result)
    {
        if (result.GetValue(_chaosFailure) is not { } kind) return ChaosOptions.None;
        double? seconds = result.GetValue(_chaosAfterSeconds);
        return new ChaosOptions(ChaosFailures.Parse(kind), result.GetValue(_chaosAfterRequests),
            seconds is { } s ? TimeSpan.FromSeconds(s) : null);
    }

    private void RequireChaosKindForTriggers(CommandResult result)
    {
        bool trigger = result.GetResult(_chaosAfterRequests) is not null || result.GetResult(_chaosAfterSeconds) is not null;
        if (trigger && result.GetResult(_chaosFailure) is null)
            result.AddError("--chaos-after-requests and --chaos-after-seconds need --chaos-failure KIND.");
    }

    private static void Require<T>(Option<T> option, Func<T?, bool> condition, string error) =>
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 0) return;
            T? value;
            try
            {
                value = result.GetValueOrDefault<T>();
            }
            catch (InvalidOperationException)
            {
                return; // not a number: the parser reports that error itself
            }
            if (!condition(value)) result.AddError(error);
        });

    private IEnumerable<Option> AllOptions() =>
    [
        _model, _tensorParallelSize, _maxModelLen, _blockSize, _gpuMemoryUtilization, _maxNumSeqs, _maxNumBatchedTokens,
        _dtype, _host, _port, _servedModelName, _terminationLogPath, _chaosFailure, _chaosAfterRequests, _chaosAfterSeconds,
        _apiKey, _maxQueuedRequests, _cpuKvCacheSpace, _shutdownDelay,
    ];
}
