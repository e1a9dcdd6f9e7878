using LlmOperator.Rules.Architecture;
using LlmOperator.Rules.Settings;

namespace LlmOperator.Rules.Validation;

/// <summary>The inputs of one validation, with the values derived once (effective maxModelLen, dtype bytes).</summary>
internal sealed record RuleContext(ModelArchitecture Model, EngineSettings Settings, GpuInventory? Gpus)
{
    /// <summary>The maxModelLen the engine will run with: the setting, or the model's derived maximum.</summary>
    public long MaxModelLen => Settings.EffectiveMaxModelLen(Model);

    public int Tp => Settings.TensorParallelSize;

    /// <summary>The dtype the weights and KV cache run in, with <c>auto</c> resolved to the checkpoint's.</summary>
    public string ResolvedDtype => Dtypes.Resolve(Settings.Dtype, Model.TorchDtype);

    public int DtypeBytes => Dtypes.Bytes(ResolvedDtype);
}

/// <summary>The dtypes the engines accept, with their vLLM aliases.</summary>
public static class Dtypes
{
    public static readonly IReadOnlyList<string> Known = ["auto", "bfloat16", "float16", "half", "float32", "float"];

    public static bool IsKnown(string dtype) => Known.Contains(dtype);

    public static string Resolve(string dtype, string checkpointDtype) => dtype switch
    {
        "auto" => Resolve(checkpointDtype, "bfloat16"),
        "half" => "float16",
        "float" => "float32",
        _ => dtype,
    };

    public static int Bytes(string resolved) => resolved == "float32" ? 4 : 2;
}
