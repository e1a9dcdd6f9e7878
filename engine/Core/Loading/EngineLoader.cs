using LlmOperator.Engine.Core.Scheduling;
using LlmOperator.Engine.Devices;
using LlmOperator.Engine.Execution;
using LlmOperator.Engine.Models;
using LlmOperator.Engine.Parallelism;
using LlmOperator.Engine.Telemetry;
using LlmOperator.Engine.Tokenization;
using LlmOperator.Engine.Weights;
using LlmOperator.Rules.Architecture;
using LlmOperator.Rules.Settings;
using LlmOperator.Rules.Validation;
using TorchSharp;

namespace LlmOperator.Engine.Core.Loading;


/// <summary>
/// Builds a ready <see cref="LlmEngine"/> from a checkpoint directory: config, tokenizer, weights sharded over the
/// tensor-parallel ranks, a KV cache sized by <see cref="KvCacheSizing"/>. Model-file problems surface as
/// <see cref="ModelConfigException"/> or <see cref="CheckpointException"/> (ModelLoad), a budget too small for one
/// sequence as <see cref="KvCacheTooSmallException"/> (InvalidSettings).
/// </summary>
public static class EngineLoader
{
    public static LlmEngine Load(string directory, EngineSettings settings, ModelArchitecture architecture,
        ComputeDevice device, KvCacheBudget budget, EngineMetrics metrics)
    {
        if (!Directory.Exists(directory))
            throw new ModelConfigException(
                $"{directory}: serving needs the checkpoint directory (config.json, safetensors, tokenizer.json); " +
                "a catalog name alone has no weights. Fix: mount the checkpoint and pass its directory to --model.");
        var config = ModelConfig.Load(directory);
        var tokenizer = TextTokenizer.Load(directory);
        var checkpoint = Checkpoint.Open(directory);
        try
        {
            var dtype = ScalarTypeOf(Dtypes.Resolve(settings.Dtype, architecture.TorchDtype));
            var group = TensorParallelGroup.Create(device.Device, settings.TensorParallelSize);
            var model = new CausalLm(config, checkpoint.Read, group, dtype);
            long maxModelLen = settings.EffectiveMaxModelLen(architecture);
            int elementSize = dtype == torch.ScalarType.Float32 ? 4 : 2;
            long perBlock = KvCacheSizing.BytesPerBlock(config.NumHiddenLayers, settings.BlockSize, model.KvHeadsPerRank,
                config.HeadDimension, elementSize);
            long perRank = device.Device.type == DeviceType.CUDA
                ? budget.GpuBytesPerRank(architecture, settings, elementSize)
                : budget.CpuSpaceBytes / group.Size; // on the CPU all ranks share one memory
            int blocks = KvCacheSizing.Blocks(perRank, perBlock, settings.BlockSize, maxModelLen, settings.MaxNumSeqs);
            var runner = new ModelRunner(model, blocks, settings.BlockSize, dtype);
            var scheduling = new SchedulerConfig(settings.MaxNumSeqs, settings.EffectiveMaxNumBatchedTokens);
            var limits = new EngineLimits((int)Math.Min(maxModelLen, int.MaxValue), config.VocabSize);
            return new LlmEngine(runner, scheduling, limits, new EngineTokenizer(tokenizer), metrics, checkpoint);
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
    }

    private static torch.ScalarType ScalarTypeOf(string resolved) => resolved switch
    {
        "float32" => torch.ScalarType.Float32,
        "float16" => torch.ScalarType.Float16,
        _ => torch.ScalarType.BFloat16,
    };
}
