using LlmOperator.Engine.Chaos;
using LlmOperator.Engine.Telemetry;
using LlmOperator.Rules.Settings;

namespace LlmOperator.Engine.Hosting;

/// <summary>Everything <c>serve</c> was asked to do, bound from its flags.</summary>
public sealed record ServeOptions
{
    /// <summary>A directory holding a Hugging Face <c>config.json</c>, a hub id in the Hugging Face cache, or a catalog name.</summary>
    public required string Model { get; init; }

    /// <summary>The folder the weights load from: <see cref="Model"/> itself, or its Hugging Face cache snapshot (set by <see cref="ServeRunner"/>).</summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>The settings the rules validate; the same record the operator builds from <c>spec.engine</c>.</summary>
    public required EngineSettings Settings { get; init; }

    public string Host { get; init; } = "0.0.0.0";
    public int Port { get; init; } = 8000;

    /// <summary>Names <c>/v1/models</c> lists and requests may use; defaults to <see cref="Model"/>, as in vLLM.</summary>
    public required IReadOnlyList<string> ServedModelNames { get; init; }

    public required string TerminationLogPath { get; init; }
    public ChaosOptions Chaos { get; init; } = ChaosOptions.None;

    /// <summary>When set, every <c>/v1/*</c> request needs <c>Authorization: Bearer KEY</c> (--api-key, or $VLLM_API_KEY).</summary>
    public string? ApiKey { get; init; }

    /// <summary>Requests that may wait beyond the <c>--max-num-seqs</c> that run; more are refused with 429.</summary>
    public int MaxQueuedRequests { get; init; } = DefaultMaxQueuedRequests;

    /// <summary>The KV cache's memory on the CPU, GiB (--cpu-kv-cache-space; vLLM's VLLM_CPU_KVCACHE_SPACE).</summary>
    public double CpuKvCacheSpaceGiB { get; init; } = DefaultCpuKvCacheSpaceGiB;

    /// <summary>
    /// The OpenTelemetry meter the engine's instruments live on. One engine per process in production keeps the
    /// default; a process hosting several servers (the tests) gives each its own, because OpenTelemetry merges
    /// same-named meters of one process into shared streams, and one server's shutdown would end the others' series.
    /// </summary>
    public string MeterName { get; init; } = EngineMetrics.MeterName;

    public const int DefaultMaxQueuedRequests = 1024;
    public const double DefaultCpuKvCacheSpaceGiB = 1.0;

    /// <summary>
    /// How long a stopping engine keeps accepting connections after SIGTERM (--shutdown-delay): a connection a proxy
    /// opened just before the pod's deletion was stored is still served. Rollouts wait this long per replaced pod.
    /// </summary>
    public TimeSpan ShutdownDelay { get; init; } = DefaultShutdownDelay;

    public static readonly TimeSpan DefaultShutdownDelay = TimeSpan.FromSeconds(2);
}
