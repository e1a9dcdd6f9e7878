using Microsoft.Extensions.Hosting;

namespace LlmOperator.LocalCluster.Api;

/// <summary>
/// The API server's host lifetime: no signal handlers. The default (ConsoleLifetime) stops the API server on SIGTERM
/// or Ctrl+C by itself, before whoever owns the cluster (<c>cluster</c>, <c>up</c>, a test) has stopped the operator
/// and the pods that still talk to it; the owner stops the cluster instead, last.
/// </summary>
internal sealed class OwnerStoppedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
