using k8s.Models;

namespace LlmOperator.Operator.Reconciliation.Probing;

/// <summary>The outcome of one probe request.</summary>
public sealed record ProbeResult(bool Succeeded, string Detail);

/// <summary>
/// Sends the long-context request to one pod before its revision is trusted. Injectable: unit tests fake it, the
/// operator sends HTTP (<see cref="HttpLongContextProber"/>).
/// </summary>
public interface ILongContextProber
{
    Task<ProbeResult> ProbeAsync(LongContextProbe probe, V1Pod pod, CancellationToken cancellationToken);
}
