using LlmOperator.Engine.Contract;
using LlmOperator.Engine.Core;
using LlmOperator.Engine.Core.Loading;
using LlmOperator.Engine.Devices;
using LlmOperator.Engine.Telemetry;
using LlmOperator.Engine.Weights;
using LlmOperator.Rules.Architecture;
using LlmOperator.Rules.Contract;

namespace LlmOperator.Engine.Hosting;

/// <summary>
/// Start-up after the listener is up, so <c>/health</c> answers while <c>/ready</c> still says 503: initialise the
/// device, load the model and size its KV cache, run one warm-up step, start the engine loop, then mark the engine
/// ready. A model that cannot be loaded ends the process as ModelLoad (4), a KV budget too small for one maxModelLen
/// sequence as InvalidSettings (3), a device failure as its GPU class.
/// </summary>
public sealed class StartupService(
    EngineState state,
    EngineHandle handle,
    FailureReporter reporter,
    ServeOptions options,
    ModelArchitecture architecture,
    EngineMetrics metrics,
    ILogger<StartupService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Loading libtorch and the weights blocks for a while; keep it off the host's start-up thread.
            var device = await Task.Run(DeviceSelector.Select, stoppingToken);
            logger.LogInformation("Device: {Device} ({Description})", device.Name, device.Description);
            var engine = await Task.Run(() => Load(device), stoppingToken);
            var loop = new EngineLoop(engine, e => reporter.Report(e) is not null);
            handle.Set(loop);
            await loop.RunOnLoopAsync(e => e.WarmUp());
            state.MarkStarted(device);
            logger.LogInformation("Ready: serving {Model} as {Names}", options.Model, string.Join(", ", options.ServedModelNames));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped (SIGTERM) during start-up: not a failure.
        }
        catch (Exception e) when (e is ModelConfigException or CheckpointException)
        {
            Console.Error.WriteLine($"error [model-load] --model: {e.Message}");
            reporter.Report(e, FailureClass.ModelLoad);
        }
        catch (KvCacheTooSmallException e)
        {
            Console.Error.WriteLine($"error [kv-cache-too-small] --max-model-len: {e.Message}");
            reporter.Report(e, FailureClass.InvalidSettings);
        }
        catch (Exception e)
        {
            // A device that cannot be initialised is a GPU error even when its text names no CUDA call.
            reporter.Report(e, FailureClass.GpuError);
        }
    }

    private LlmEngine Load(ComputeDevice device)
    {
        var budget = new KvCacheBudget((long)(options.CpuKvCacheSpaceGiB * (1L << 30)));
        var engine = EngineLoader.Load(options.CheckpointDirectory ?? options.Model, options.Settings, architecture, device, budget, metrics);
        logger.LogInformation("Model loaded: {Model}; KV cache {Blocks} blocks of {BlockSize} tokens; maxModelLen {MaxModelLen}",
            options.Model, engine.Cache.NumBlocks, engine.Cache.BlockSize, engine.Limits.MaxModelLen);
        return engine;
    }
}
