using System.Runtime.InteropServices;

namespace LlmOperator.Engine.Chaos;

/// <summary>
/// The genuine text libtorch reports for each injected failure. TorchSharp surfaces native errors as
/// <see cref="ExternalException"/> (its <c>torch.CheckForErrors</c>), so chaos throws that type too: the failure path
/// cannot tell a rehearsal from the real thing.
/// </summary>
public static class ChaosFailures
{
    // Appended by c10's CUDA_CHECK to every asynchronous kernel error.
    private const string AsyncNote =
        "\nCUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect." +
        "\nFor debugging consider passing CUDA_LAUNCH_BLOCKING=1" +
        "\nCompile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.";

    private static readonly Dictionary<string, ChaosKind> ByName = new(StringComparer.Ordinal)
    {
        ["device-assert"] = ChaosKind.DeviceAssert,
        ["illegal-memory-access"] = ChaosKind.IllegalMemoryAccess,
        ["out-of-memory"] = ChaosKind.OutOfMemory,
        ["xid"] = ChaosKind.Xid,
    };

    /// <summary>The flag values of <c>--chaos-failure</c>.</summary>
    public static IReadOnlyCollection<string> Names => ByName.Keys;

    public static ChaosKind Parse(string name) => ByName[name];

    /// <summary>The message libtorch gives for <paramref name="kind"/>.</summary>
    public static string Text(ChaosKind kind) => kind switch
    {
        ChaosKind.DeviceAssert => "CUDA error: device-side assert triggered" + AsyncNote,
        ChaosKind.IllegalMemoryAccess => "CUDA error: an illegal memory access was encountered" + AsyncNote,
        ChaosKind.OutOfMemory =>
            "CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.19 GiB of which 1.06 GiB is free. " +
            "Including non-PyTorch memory, this process has 78.12 GiB memory in use. Of the allocated memory 76.40 GiB is " +
            "allocated by PyTorch, and 1.21 GiB is reserved by PyTorch but unallocated. If reserved but unallocated memory is " +
            "large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.",
        // What a process sees of Xid 48 (double-bit ECC error); the Xid itself is only in the node's kernel log.
        ChaosKind.Xid => "CUDA error: uncorrectable ECC error encountered" + AsyncNote,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Throws the failure, so it carries a real stack trace like one from a kernel launch.</summary>
    public static void Raise(ChaosKind kind) => throw new ExternalException(Text(kind));
}
