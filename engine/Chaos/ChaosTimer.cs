using LlmOperator.Engine.Contract;
using LlmOperator.Engine.Hosting;

namespace LlmOperator.Engine.Chaos;

/// <summary>
/// <c>--chaos-after-seconds</c>: raises the failure M seconds after the host started, outside any request: in the
/// engine loop once it runs (as an asynchronous kernel error would surface there), else directly.
/// </summary>
public sealed class ChaosTimer(ChaosOptions options, EngineHandle engine, FailureReporter reporter) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Kind is not { } kind || options.AfterTime is not { } delay) return;
        await Task.Delay(delay, stoppingToken);
        if (engine.IsLoaded)
        {
            engine.Loop.InjectFailure(kind);
            return;
        }
        try
        {
            ChaosFailures.Raise(kind);
        }
        catch (Exception e)
        {
            reporter.Report(e);
        }
    }
}
