namespace LlmOperator.LocalCluster;

/// <summary>
/// A long-running part of the local control plane (controllers, kubelet, service proxy).
/// Started after the API server; disposing stops it and everything it started (no orphan processes).
/// </summary>
public interface IClusterComponent : IAsyncDisposable
{
    Task StartAsync(CancellationToken cancellationToken);
}
