using TorchSharp;

namespace LlmOperator.Engine.Devices;

/// <summary>The device the engine computes on.</summary>
/// <param name="Device">The TorchSharp device tensors go to.</param>
/// <param name="Name"><c>cuda</c> or <c>cpu</c>: what logs and <c>/health</c> report.</param>
/// <param name="Description">A human line for the start-up log.</param>
public sealed record ComputeDevice(torch.Device Device, string Name, string Description);
