using k8s.Models;
using LlmOperator.Operator.Reconciliation.Probing;

namespace LlmOperator.Operator.Tests.Fakes;

/// <summary>A prober that records what it was asked and answers as told.</summary>
public sealed class FakeProber : ILongContextProber
{
    public List<(LongContextProbe Probe, string Pod)> Calls { get; } = [];

    public Func<V1Pod, ProbeResult> Answer { get; set; } = pod => new ProbeResult(true, $"answered by {pod.Metadata.Name}");

    public Task<ProbeResult> ProbeAsync(LongContextProbe probe, V1Pod pod, CancellationToken cancellationToken)
    {
        lock (Calls) Calls.Add((probe, pod.Metadata.Name));
        return Task.FromResult(Answer(pod));
    }
}
