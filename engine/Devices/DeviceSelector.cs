using TorchSharp;

namespace LlmOperator.Engine.Devices;

/// <summary>
/// The one place that chooses the compute device: CUDA when libtorch sees one, CPU otherwise. Everything else takes
/// the <see cref="ComputeDevice"/> it returns, so CUDA-specific code stays here.
/// </summary>
public static class DeviceSelector
{
    /// <summary>Loads libtorch (the first TorchSharp call does) and picks the device. Slow: run it off the request path.</summary>
    public static ComputeDevice Select()
    {
        if (torch.cuda.is_available())
        {
            int count = torch.cuda.device_count();
            return new ComputeDevice(torch.CUDA, "cuda", $"CUDA, {count} device(s) visible");
        }
        return new ComputeDevice(torch.CPU, "cpu", "CPU (libtorch sees no CUDA device)");
    }
}
