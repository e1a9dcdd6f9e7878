namespace LlmOperator.Rules.Settings;

/// <summary>
/// The accelerators a deployment may use. Null fields are unknown, and the rules that need them are skipped
/// (the engine on CPU, for instance, knows no GPUs per node).
/// </summary>
/// <param name="MemoryBytesPerGpu">Memory of one GPU in bytes (e.g. 80 GiB for an H100 80GB).</param>
/// <param name="GpusPerNode">GPUs one node offers; tensor-parallel ranks must share a node.</param>
/// <param name="ResourceName">The extended resource pods request, e.g. <c>nvidia.com/gpu</c>.</param>
public sealed record GpuInventory(long? MemoryBytesPerGpu, int? GpusPerNode, string ResourceName = "nvidia.com/gpu");
