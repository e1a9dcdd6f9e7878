using System.Text.RegularExpressions;

namespace LlmOperator.Rules.Contract;

/// <summary>A line that named a GPU failure, and the class it names.</summary>
public sealed record CudaFailureMatch(FailureClass Class, string Line);

/// <summary>
/// Sorts the text of CUDA-side failures (an exception message, a termination message, a container log) into a
/// <see cref="FailureClass"/>, line by line: logs of several processes interleave, and the root-cause line usually
/// lies well before the last lines (docs: the GPU failure texts reference). When lines name different classes the
/// strongest wins: hardware (the node is at fault, whatever else the log says), then kernel faults, then memory, then
/// any other CUDA/NCCL error. Patterns are precise on purpose: "may lead to ... CUDA errors" in a config warning, or
/// "Assertion failed" in a driver message, are not kernel faults.
/// </summary>
public static partial class CudaFailureText
{
    /// <summary>Xids that the NVIDIA device plugin treats as non-fatal: consequences of an application fault
    /// (13 and 31 accompany device asserts and illegal accesses), not a failing GPU.</summary>
    private static readonly HashSet<int> ApplicationXids = [13, 31, 43, 45, 68, 109];

    private static readonly (FailureClass Class, Regex Pattern)[] Table =
    [
        (FailureClass.GpuHardware, Rx(@"fallen off the bus|ERROR_GPU_IS_LOST|uncorrectable ECC error|cudaErrorECCUncorrectable|" +
            @"CUDA_ERROR_ECC_UNCORRECTABLE|uncorrectable NVLink error|CUDA_ERROR_CONTAINED|double bit error \(DBE\)|" +
            @"XidCriticalError|GSP Timeout|GPU Reset Required|GPU marked for reset|NV_ERR_INVALID_DEVICE|" +
            @"Unable to determine the device handle|device marked unhealthy|uncorrectable memory errors")),
        (FailureClass.GpuAssertion, Rx(@"device-side assert(ion)? triggered|cudaErrorAssert|" +
            @"block: \[\d+,\d+,\d+\], thread: \[\d+,\d+,\d+\] Assertion|Assertion `[^`]*` failed\.|" +
            @"illegal memory access|cudaErrorIllegalAddress|CUDA_ERROR_ILLEGAL_ADDRESS|misaligned address|" +
            @"cudaErrorMisalignedAddress|unspecified launch failure|cudaErrorLaunchFailure|illegal instruction was encountered|" +
            @"CUBLAS_STATUS_EXECUTION_FAILED|CUDNN_STATUS_EXECUTION_FAILED|Memory access fault by GPU")),
        (FailureClass.GpuOutOfMemory, Rx(@"CUDA out of memory|OutOfMemoryError: CUDA|CUDA error: out of memory|" +
            @"CUBLAS_STATUS_ALLOC_FAILED|cudaErrorMemoryAllocation|would exceed allowed memory\. \(out of memory\)")),
        (FailureClass.GpuError, Rx(@"CUDA (runtime |driver )?error(: |\s*\(|$)|cuda runtime error \(\d+\)|CUBLAS_STATUS_\w+|" +
            @"CUDNN_STATUS_\w+|NCCL error|ncclUnhandledCudaError|torch\.AcceleratorError")),
    ];

    /// <summary>The class of <paramref name="text"/>, or null when it names no CUDA failure.</summary>
    public static FailureClass? Classify(string? text) => Match(text)?.Class;

    /// <summary>The strongest failure named in <paramref name="text"/> and the first line that names it.</summary>
    public static CudaFailureMatch? Match(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        CudaFailureMatch? best = null;
        foreach (var raw in text.Split('\n'))
        {
            if (ClassifyLine(raw) is not { } found) continue;
            if (best is null || Rank(found) < Rank(best.Class))
                best = new CudaFailureMatch(found, Clean(raw));
            if (best.Class == FailureClass.GpuHardware) break;
        }
        return best;
    }

    private static FailureClass? ClassifyLine(string line)
    {
        if (XidLine().Match(line) is { Success: true } xid)
        {
            return ApplicationXids.Contains(int.Parse(xid.Groups[1].Value))
                ? FailureClass.GpuAssertion
                : FailureClass.GpuHardware;
        }
        foreach (var (failureClass, pattern) in Table)
        {
            if (pattern.IsMatch(line)) return failureClass;
        }
        return null;
    }

    private static int Rank(FailureClass failureClass) => Array.FindIndex(Table, t => t.Class == failureClass);

    /// <summary>The line without terminal colour codes, carriage returns or box-drawing borders, at most 300 characters.</summary>
    private static string Clean(string line)
    {
        var cleaned = AnsiCodes().Replace(line, "").Replace("^M", "").Trim().Trim('│', '|').Trim();
        return cleaned.Length <= 300 ? cleaned : cleaned[..297] + "...";
    }

    private static Regex Rx(string pattern) => new(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    [GeneratedRegex(@"NVRM: Xid \([^)]*\): (\d+)")]
    private static partial Regex XidLine();

    [GeneratedRegex(@"(\x1b|\^\[)\[[0-9;]*m")]
    private static partial Regex AnsiCodes();
}
