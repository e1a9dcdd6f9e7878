namespace LlmOperator.Rules.Contract;

/// <summary>
/// Sorts the text of a CUDA-side failure (an exception message from libtorch, a log line) into a
/// <see cref="FailureClass"/>. Hardware is checked first because an Xid line often accompanies a kernel error,
/// and the node, not the revision, is then at fault.
/// </summary>
public static class CudaFailureText
{
    private static readonly (FailureClass Class, string[] Markers)[] Table =
    [
        (FailureClass.GpuHardware, ["Xid", "uncorrectable ECC", "ECC error", "fallen off the bus", "cudaErrorECCUncorrectable",
            "cudaErrorDevicesUnavailable"]),
        (FailureClass.GpuAssertion, ["device-side assert triggered", "cudaErrorAssert", "illegal memory access",
            "cudaErrorIllegalAddress", "misaligned address", "cudaErrorMisalignedAddress", "unspecified launch failure",
            "cudaErrorLaunchFailure", "an illegal instruction was encountered", "CUBLAS_STATUS_EXECUTION_FAILED",
            "CUDNN_STATUS_EXECUTION_FAILED"]),
        (FailureClass.GpuOutOfMemory, ["CUDA out of memory", "OutOfMemoryError", "CUDA error: out of memory",
            "CUBLAS_STATUS_ALLOC_FAILED", "cudaErrorMemoryAllocation"]),
        (FailureClass.GpuError, ["CUDA error", "CUDA driver error", "CUBLAS_STATUS_", "CUDNN_STATUS_", "NCCL error",
            "ncclUnhandledCudaError", "torch.AcceleratorError"]),
    ];

    /// <summary>The class of <paramref name="text"/>, or null when it names no CUDA failure.</summary>
    public static FailureClass? Classify(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        foreach (var (failureClass, markers) in Table)
        {
            if (markers.Any(m => text.Contains(m, StringComparison.OrdinalIgnoreCase)))
                return failureClass;
        }
        return null;
    }
}
