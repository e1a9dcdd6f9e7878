using LlmOperator.Engine.Core.Requests;

namespace LlmOperator.Engine.Core.Scheduling;

/// <summary>One request's share of a step: compute its next <paramref name="NumNewTokens"/> tokens.</summary>
/// <param name="CompletesPrompt">True when this step computes the request's last known token, so its output samples a token.</param>
public sealed record ScheduledRequest(Request Request, int NumNewTokens, bool CompletesPrompt);

/// <summary>What a step runs, and which requests lost their blocks this step (to be recomputed later).</summary>
public sealed record SchedulerOutput(IReadOnlyList<ScheduledRequest> Scheduled, IReadOnlyList<Request> Preempted)
{
    public int NumTokens => Scheduled.Sum(s => s.NumNewTokens);

    public bool IsEmpty => Scheduled.Count == 0;
}
