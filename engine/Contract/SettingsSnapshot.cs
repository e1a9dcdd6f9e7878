using System.Globalization;
using LlmOperator.Rules.Settings;

namespace LlmOperator.Engine.Contract;

/// <summary>
/// The settings a termination message carries, keyed by their ModelDeployment field names (<c>spec.engine.X</c> →
/// <c>X</c>) so the operator can compare them with the spec that produced the pod. Unset optional values are omitted.
/// </summary>
public static class SettingsSnapshot
{
    public static IReadOnlyDictionary<string, string> Of(string model, EngineSettings s)
    {
        var values = new Dictionary<string, string>
        {
            [Key(Fields.Model)] = model,
            [Key(Fields.Runtime)] = s.Runtime.ToString().ToLowerInvariant(),
            [Key(Fields.TensorParallelSize)] = Format(s.TensorParallelSize),
            [Key(Fields.BlockSize)] = Format(s.BlockSize),
            [Key(Fields.Dtype)] = s.Dtype,
            [Key(Fields.GpuMemoryUtilization)] = Format(s.GpuMemoryUtilization),
            [Key(Fields.MaxNumSeqs)] = Format(s.MaxNumSeqs),
        };
        if (s.MaxModelLen is { } len) values[Key(Fields.MaxModelLen)] = Format(len);
        if (s.MaxNumBatchedTokens is { } tokens) values[Key(Fields.MaxNumBatchedTokens)] = Format(tokens);
        if (s.RuntimeVersion is { } version) values[Key(Fields.RuntimeVersion)] = version;
        return values;
    }

    private static string Key(string path) => path[(path.LastIndexOf('.') + 1)..];

    private static string Format(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);
}
