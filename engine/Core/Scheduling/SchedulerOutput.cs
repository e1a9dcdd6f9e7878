using LlmOperator.Engine.Core.Requests;

namespace LlmOperator.Engine.Core.Scheduling;

/// <summary>One request's share of a step: compute its next <paramref name="NumNewTokens"/> tokens.</summary>
/// <param name="SamplesToken">
/// True when this step computes the request's last known token, so its logits sample the next one; false for a
/// prefill chunk that stops short of the prompt's end.
/// </param>
public sealed record ScheduledRequest(Request Request, int NumNewTokens, bool SamplesToken);

/// <summary>What a step runs, and which requests lost their blocks this step (to be recomputed later).</summary>
public sealed record SchedulerOutput(IReadOnlyList<ScheduledRequest> Scheduled, IReadOnlyList<Request> Preempted)
{
    public int NumTokens => Scheduled.Sum(s => s.NumNewTokens);

    public bool IsEmpty => Scheduled.Count == 0;
}
