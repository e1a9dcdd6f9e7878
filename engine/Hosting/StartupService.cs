using LlmOperator.Engine.Contract;
using LlmOperator.Engine.Devices;
using LlmOperator.Rules.Contract;

namespace LlmOperator.Engine.Hosting;

/// <summary>
/// Start-up after the listener is up, so <c>/health</c> answers while <c>/ready</c> still says 503: initialise the
/// device (model loading joins here later), then mark the engine ready.
/// </summary>
public sealed class StartupService(EngineState state, FailureReporter reporter, ServeOptions options, ILogger<StartupService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Loading libtorch blocks for a while; keep it off the host's start-up thread.
            var device = await Task.Run(DeviceSelector.Select, stoppingToken);
            logger.LogInformation("Device: {Device} ({Description})", device.Name, device.Description);
            state.MarkStarted(device);
            logger.LogInformation("Ready: serving {Model} as {Names}", options.Model, string.Join(", ", options.ServedModelNames));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped (SIGTERM) during start-up: not a failure.
        }
        catch (Exception e)
        {
            // A device that cannot be initialised is a GPU error even when its text names no CUDA call.
            reporter.Report(e, FailureClass.GpuError);
        }
    }
}
