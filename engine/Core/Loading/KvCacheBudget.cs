using System.Diagnostics;
using System.Globalization;
using LlmOperator.Rules.Architecture;
using LlmOperator.Rules.Settings;

namespace LlmOperator.Engine.Core.Loading;

/// <summary>
/// Where the KV cache's memory comes from. CPU: a fixed budget (--cpu-kv-cache-space, like vLLM's
/// VLLM_CPU_KVCACHE_SPACE). GPU: --gpu-memory-utilization of the GPU's memory minus the rank's weights and a fixed
/// activation reserve. TorchSharp exposes no memory query, so the GPU's size comes from <c>nvidia-smi</c>.
/// </summary>
/// <param name="CpuSpaceBytes">The KV cache's bytes on the CPU, shared by all ranks.</param>
public sealed record KvCacheBudget(long CpuSpaceBytes)
{
    /// <summary>Room kept for activations and the allocator's slack on each GPU.</summary>
    public const long GpuActivationReserveBytes = 2L << 30;

    public long GpuBytesPerRank(ModelArchitecture model, EngineSettings settings, int elementSize)
    {
        long total = GpuMemoryBytes() ?? throw new KvCacheTooSmallException(
            "Cannot size the KV cache: nvidia-smi did not report the GPU's memory. Fix: make nvidia-smi available in the container.");
        long weights = ParameterCounter.PerRank(model, settings.TensorParallelSize) * elementSize;
        return Math.Max(0, (long)(total * settings.GpuMemoryUtilization) - weights - GpuActivationReserveBytes);
    }

    private static long? GpuMemoryBytes()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("nvidia-smi", "--query-gpu=memory.total --format=csv,noheader,nounits")
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            });
            if (process is null) return null;
            string first = process.StandardOutput.ReadLine() ?? "";
            process.WaitForExit(10_000);
            return long.TryParse(first.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long mib) ? mib << 20 : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // not installed
        }
    }
}
