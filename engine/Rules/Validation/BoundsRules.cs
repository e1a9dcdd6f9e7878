using LlmOperator.Rules.Settings;

namespace LlmOperator.Rules.Validation;

/// <summary>
/// Every number within sane bounds and every name known. The other rules divide by these values, so the validator
/// runs them only when these pass.
/// </summary>
internal static class BoundsRules
{
    public const int MaxTensorParallelSize = 64;
    public const long MaxModelLenLimit = 1L << 26;          // 67,108,864 tokens: beyond any released model
    public const int MaxNumSeqsLimit = 65_536;
    public const int MaxBatchedTokensLimit = 1 << 24;
    public const long MaxGpuMemoryBytes = 4L << 40;         // 4 TiB per GPU

    /// <summary>Block sizes each runtime supports (vLLM: FlashAttention needs a multiple of 16).</summary>
    public static IReadOnlyList<int> SupportedBlockSizes(EngineRuntime runtime) => runtime == EngineRuntime.Vllm
        ? [16, 32, 64, 128]
        : [1, 2, 4, 8, 16, 32, 64, 128];

    public static IEnumerable<Finding> Check(RuleContext c)
    {
        var s = c.Settings;
        var findings = new List<Finding?>
        {
            Range(Fields.TensorParallelSize, s.TensorParallelSize, 1, MaxTensorParallelSize),
            s.MaxModelLen is { } len ? Range(Fields.MaxModelLen, len, 1, MaxModelLenLimit) : null,
            Range(Fields.BlockSize, s.BlockSize, 1, 1024),
            Range(Fields.MaxNumSeqs, s.MaxNumSeqs, 1, MaxNumSeqsLimit),
            s.MaxNumBatchedTokens is { } b ? Range(Fields.MaxNumBatchedTokens, b, 1, MaxBatchedTokensLimit) : null,
            Utilization(s.GpuMemoryUtilization),
            c.Gpus?.MemoryBytesPerGpu is { } mem ? Range(Fields.GpuMemory, mem, 1L << 30, MaxGpuMemoryBytes, "bytes") : null,
            c.Gpus?.GpusPerNode is { } perNode ? Range(Fields.GpusPerNode, perNode, 1, 64) : null,
            Dtype(s.Dtype),
            s.BlockSize is >= 1 and <= 1024 ? BlockSize(s) : null,
        };
        return findings.OfType<Finding>();
    }

    private static Finding? Range(string field, long value, long min, long max, string unit = "")
    {
        if (value >= min && value <= max) return null;
        string u = unit.Length > 0 ? " " + unit : "";
        return new Finding(RuleIds.ValueOutOfRange, Severity.Error, field,
            $"{field} is {value:N0}{u}; it must be between {min:N0} and {max:N0}{u}.",
            $"Set {field} to a value in [{min:N0}, {max:N0}].");
    }

    private static Finding? Utilization(double u) => u is > 0 and <= 1 ? null : new Finding(
        RuleIds.ValueOutOfRange, Severity.Error, Fields.GpuMemoryUtilization,
        $"{Fields.GpuMemoryUtilization} is {u}; it is the fraction of each GPU's memory the engine may use, in (0, 1].",
        $"Set {Fields.GpuMemoryUtilization} to a fraction such as 0.9.");

    private static Finding? Dtype(string dtype) => Dtypes.IsKnown(dtype) ? null : new Finding(
        RuleIds.DtypeUnknown, Severity.Error, Fields.Dtype,
        $"dtype '{dtype}' is not known.",
        $"Use one of: {string.Join(", ", Dtypes.Known)}.");

    private static Finding? BlockSize(EngineSettings s)
    {
        var supported = SupportedBlockSizes(s.Runtime);
        return supported.Contains(s.BlockSize) ? null : new Finding(
            RuleIds.BlockSizeUnsupported, Severity.Error, Fields.BlockSize,
            $"blockSize {s.BlockSize} is not supported by the {Describe(s.Runtime)} runtime.",
            $"Use one of: {string.Join(", ", supported)} (16 is the usual choice).");
    }

    public static string Describe(EngineRuntime runtime) => runtime == EngineRuntime.Vllm ? "vllm" : "engine";
}
