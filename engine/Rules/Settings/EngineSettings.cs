namespace LlmOperator.Rules.Settings;

/// <summary>Which inference server runs the model.</summary>
public enum EngineRuntime
{
    /// <summary>This project's engine (TorchSharp): bounds its block-table indices for every maxModelLen.</summary>
    Engine,

    /// <summary>vLLM's OpenAI server; its known defects depend on the version.</summary>
    Vllm,
}

/// <summary>
/// Engine settings as the rules see them, whether they came from a ModelDeployment's <c>spec.engine</c> or from the
/// engine's command-line flags (vLLM-compatible names). Defaults follow vLLM's.
/// </summary>
public sealed record EngineSettings
{
    public EngineRuntime Runtime { get; init; } = EngineRuntime.Engine;

    /// <summary>Runtime version (e.g. <c>0.8.3</c>), from the spec or the image tag; null when unknown.</summary>
    public string? RuntimeVersion { get; init; }

    public int TensorParallelSize { get; init; } = 1;

    /// <summary>Longest sequence (prompt + output) served; null means the model's derived maximum, as in vLLM.</summary>
    public long? MaxModelLen { get; init; }

    public int BlockSize { get; init; } = 16;

    /// <summary><c>auto</c> (the checkpoint's dtype), <c>bfloat16</c>, <c>float16</c> or <c>float32</c>.</summary>
    public string Dtype { get; init; } = "auto";

    public double GpuMemoryUtilization { get; init; } = 0.9;

    public int MaxNumSeqs { get; init; } = 256;

    /// <summary>Token budget of one engine step (prefill is chunked to fit it); null means the default.</summary>
    public int? MaxNumBatchedTokens { get; init; }

    /// <summary>The budget used when <see cref="MaxNumBatchedTokens"/> is unset (vLLM V1's online-serving default).</summary>
    public const int DefaultMaxNumBatchedTokens = 8192;

    public int EffectiveMaxNumBatchedTokens => MaxNumBatchedTokens ?? DefaultMaxNumBatchedTokens;

    /// <summary>The maxModelLen the engine runs <paramref name="model"/> with: the setting, or the model's derived maximum.</summary>
    public long EffectiveMaxModelLen(Architecture.ModelArchitecture model) => MaxModelLen ?? model.DerivedMaxModelLen;
}
