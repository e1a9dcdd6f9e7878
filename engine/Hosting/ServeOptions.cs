using LlmOperator.Engine.Chaos;
using LlmOperator.Rules.Settings;

namespace LlmOperator.Engine.Hosting;

/// <summary>Everything <c>serve</c> was asked to do, bound from its flags.</summary>
public sealed record ServeOptions
{
    /// <summary>A directory holding a Hugging Face <c>config.json</c>, or a catalog name.</summary>
    public required string Model { get; init; }

    /// <summary>The settings the rules validate; the same record the operator builds from <c>spec.engine</c>.</summary>
    public required EngineSettings Settings { get; init; }

    public string Host { get; init; } = "0.0.0.0";
    public int Port { get; init; } = 8000;

    /// <summary>Names <c>/v1/models</c> lists and requests may use; defaults to <see cref="Model"/>, as in vLLM.</summary>
    public required IReadOnlyList<string> ServedModelNames { get; init; }

    public required string TerminationLogPath { get; init; }
    public ChaosOptions Chaos { get; init; } = ChaosOptions.None;
}
