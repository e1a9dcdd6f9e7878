using LlmOperator.Engine.Contract;

namespace LlmOperator.Engine.Chaos;

/// <summary>
/// <c>--chaos-after-seconds</c>: raises the failure M seconds after the host started, outside any request, as an
/// asynchronous kernel error surfacing in the engine loop would.
/// </summary>
public sealed class ChaosTimer(ChaosOptions options, FailureReporter reporter) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Kind is not { } kind || options.AfterTime is not { } delay) return;
        await Task.Delay(delay, stoppingToken);
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
