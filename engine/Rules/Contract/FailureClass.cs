namespace LlmOperator.Rules.Contract;

/// <summary>
/// Why an engine process ended, as its exit code and termination message tell the operator. The numeric values are
/// the exit codes: part of the engine's process contract (docs/engine-process-contract.md), never renumber them.
/// </summary>
public enum FailureClass
{
    /// <summary>Flags that cannot be parsed (unknown flag, not a number).</summary>
    Usage = 2,

    /// <summary>The settings break a rule (the same rules as admission); the message lists the findings.</summary>
    InvalidSettings = 3,

    /// <summary>The model's config or weights cannot be read.</summary>
    ModelLoad = 4,

    /// <summary>A kernel fault caused by what the engine computed: device-side assert, illegal or misaligned access,
    /// unspecified launch failure, cuBLAS execution failure. A bad revision, not a bad node.</summary>
    GpuAssertion = 10,

    /// <summary>The GPU ran out of memory.</summary>
    GpuOutOfMemory = 11,

    /// <summary>The hardware failed: Xid, uncorrectable ECC, GPU fallen off the bus. A bad node, not a bad spec.</summary>
    GpuHardware = 12,

    /// <summary>Any other CUDA, cuBLAS, cuDNN or NCCL error.</summary>
    GpuError = 13,
}
