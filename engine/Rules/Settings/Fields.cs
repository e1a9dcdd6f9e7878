namespace LlmOperator.Rules.Settings;

/// <summary>
/// Where each setting lives: its path in a ModelDeployment and its engine flag. Findings carry the path; the engine
/// translates it to the flag so its start-up errors name what the operator of the process typed.
/// </summary>
public static class Fields
{
    public const string Model = "spec.model";
    public const string Runtime = "spec.engine.runtime";
    public const string RuntimeVersion = "spec.engine.runtimeVersion";
    public const string TensorParallelSize = "spec.engine.tensorParallelSize";
    public const string MaxModelLen = "spec.engine.maxModelLen";
    public const string BlockSize = "spec.engine.blockSize";
    public const string Dtype = "spec.engine.dtype";
    public const string GpuMemoryUtilization = "spec.engine.gpuMemoryUtilization";
    public const string MaxNumSeqs = "spec.engine.maxNumSeqs";
    public const string MaxNumBatchedTokens = "spec.engine.maxNumBatchedTokens";
    public const string GpuMemory = "spec.resources.gpu.memory";
    public const string GpusPerNode = "spec.resources.gpu.perNode";

    private static readonly Dictionary<string, string> Flags = new()
    {
        [Model] = "--model",
        [TensorParallelSize] = "--tensor-parallel-size",
        [MaxModelLen] = "--max-model-len",
        [BlockSize] = "--block-size",
        [Dtype] = "--dtype",
        [GpuMemoryUtilization] = "--gpu-memory-utilization",
        [MaxNumSeqs] = "--max-num-seqs",
        [MaxNumBatchedTokens] = "--max-num-batched-tokens",
    };

    /// <summary>The engine flag for a resource path, or the path itself when the engine has no such flag.</summary>
    public static string FlagFor(string path) => Flags.TryGetValue(path, out var flag) ? flag : path;
}
