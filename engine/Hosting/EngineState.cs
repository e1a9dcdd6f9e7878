using LlmOperator.Engine.Contract;
using LlmOperator.Engine.Devices;

namespace LlmOperator.Engine.Hosting;

/// <summary>
/// Where the process stands, as <c>/health</c> and <c>/ready</c> report it: starting until the device is initialised,
/// ready, stopping once SIGTERM arrived, failed after a CUDA failure. The first failure wins; later ones only log.
/// </summary>
public sealed class EngineState
{
    private ComputeDevice? _device;
    private EngineFailure? _failure;
    private volatile bool _stopping;

    public ComputeDevice? Device => Volatile.Read(ref _device);
    public EngineFailure? Failure => Volatile.Read(ref _failure);

    public bool IsReady => Device is not null && Failure is null && !_stopping;

    /// <summary>
    /// Whether <c>/v1/*</c> requests are served: started and not failed. A stopping engine still serves what reaches
    /// it (requests on connections opened before SIGTERM) while the host drains, so a rollout that deletes this pod
    /// fails no request: <c>/ready</c> already says 503, which takes the pod out of the Service's endpoints.
    /// </summary>
    public bool IsServing => Device is not null && Failure is null;

    public string Status => Failure is not null ? "failed" : _stopping ? "stopping" : Device is not null ? "ready" : "starting";

    public void MarkStarted(ComputeDevice device) => Volatile.Write(ref _device, device);

    /// <summary>SIGTERM arrived: the engine drains.</summary>
    public bool IsStopping => _stopping;

    public void MarkStopping() => _stopping = true;

    /// <summary>Records <paramref name="failure"/> unless one is already recorded; true when this call recorded it.</summary>
    public bool TryFail(EngineFailure failure) => Interlocked.CompareExchange(ref _failure, failure, null) is null;
}
