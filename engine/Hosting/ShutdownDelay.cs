namespace LlmOperator.Engine.Hosting;

/// <summary>
/// The first step of a SIGTERM: keep the listener open for <c>--shutdown-delay</c> while <c>/ready</c> says 503, before
/// Kestrel stops accepting connections. A pod's deletion reaches the endpoints and proxies at about the time the
/// kubelet sends SIGTERM; a connection a proxy opened just before would otherwise meet a closing listener, a failed
/// request on a fresh connection that no client retries. Kubernetes' usual cure is a preStop sleep; this is that,
/// built in. A failed engine (its failure stops the host) and one that never started skip it: nothing routes to
/// them, and a failure must reach the API server at once.
/// </summary>
public sealed class ShutdownDelay(EngineState state, ServeOptions options, ILogger<ShutdownDelay> logger) : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (!state.IsServing || options.ShutdownDelay <= TimeSpan.Zero) return;
        state.MarkStopping();
        logger.LogInformation("Stopping: /ready says 503; accepting connections for {Delay}s more, then draining", options.ShutdownDelay.TotalSeconds);
        try
        {
            await Task.Delay(options.ShutdownDelay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The shutdown timeout ran out: stop now.
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
