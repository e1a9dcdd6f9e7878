using System.Globalization;
using LlmOperator.Operator.Entities;
using LlmOperator.Rules.Settings;

namespace LlmOperator.Operator.Reconciliation.DesiredState;

/// <summary>
/// The container command line for a spec: our engine's `serve` or vLLM's OpenAI server. Both take the same
/// vLLM-style flags (the rules' Fields table names them), so one spec renders to either runtime.
/// </summary>
public static class EngineCommand
{
    public const int ContainerPort = 8000;
    public const string DefaultEngineImage = "ghcr.io/llmoperator/engine:0.1.0";
    public const string VllmImageRepository = "vllm/vllm-openai";

    public static string ImageFor(EngineSpec engine) => engine.Image ?? (engine.Runtime == EngineRuntimeName.Vllm
        ? $"{VllmImageRepository}:v{engine.RuntimeVersion ?? "0.8.4"}"
        : DefaultEngineImage);

    /// <summary>Command (entrypoint) and args for <paramref name="spec"/> serving <paramref name="modelArgument"/>.</summary>
    public static (IList<string> Command, IList<string> Args) For(ModelDeploymentSpec spec, string modelArgument, string servedName)
    {
        var engine = spec.Engine;
        var args = new List<string>
        {
            Fields.FlagFor(Fields.Model), modelArgument,
            "--served-model-name", servedName,
            "--port", ContainerPort.ToString(CultureInfo.InvariantCulture),
            Fields.FlagFor(Fields.TensorParallelSize), Invariant(engine.TensorParallelSize),
            Fields.FlagFor(Fields.BlockSize), Invariant(engine.BlockSize),
            Fields.FlagFor(Fields.Dtype), engine.Dtype,
            Fields.FlagFor(Fields.GpuMemoryUtilization), engine.GpuMemoryUtilization.ToString(CultureInfo.InvariantCulture),
            Fields.FlagFor(Fields.MaxNumSeqs), Invariant(engine.MaxNumSeqs),
        };
        if (engine.MaxModelLen is { } maxModelLen)
            args.AddRange([Fields.FlagFor(Fields.MaxModelLen), maxModelLen.ToString(CultureInfo.InvariantCulture)]);
        if (engine.MaxNumBatchedTokens is { } batched)
            args.AddRange([Fields.FlagFor(Fields.MaxNumBatchedTokens), Invariant(batched)]);
        args.AddRange(engine.ExtraArgs ?? []);

        IList<string> command = engine.Runtime == EngineRuntimeName.Vllm
            ? ["python3", "-m", "vllm.entrypoints.openai.api_server"]
            : ["llm-engine", "serve"];
        return (command, args);
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
