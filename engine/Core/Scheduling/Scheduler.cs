using LlmOperator.Engine.Core.Requests;
using LlmOperator.Engine.KvCache;

namespace LlmOperator.Engine.Core.Scheduling;

/// <summary>
/// Who runs this step and how many tokens each gets (vLLM v1's scheduler, simplified). Running requests first, in
/// arrival order, each taking min(remaining, budget) tokens — a decode takes 1, a long prompt a chunk; then waiting
/// requests first come first served while fewer than MaxNumSeqs run. When the cache cannot hold a running request's
/// new tokens, the newest running request is preempted: its blocks are freed and it waits at the front of the queue
/// to be recomputed from scratch (prompt + what it generated), so greedy outputs do not change. Pure CPU code.
/// </summary>
public sealed class Scheduler(SchedulerConfig config, KvCacheManager cache)
{
    // Kept sorted by arrival, so "the newest" is always the last one and is never a request this step has already
    // scheduled (those sit before the one being allocated): a preempted request re-admitted later goes back to its
    // arrival place, not to the end.
    private readonly List<Request> _running = [];
    private readonly LinkedList<Request> _waiting = new();

    public int NumRunning => _running.Count;

    public int NumWaiting => _waiting.Count;

    public bool HasUnfinishedRequests => _running.Count > 0 || _waiting.Count > 0;

    public KvCacheManager Cache => cache;

    public SchedulerConfig Config => config;

    public void Add(Request request)
    {
        request.Status = RequestStatus.Waiting;
        _waiting.AddLast(request);
    }

    public SchedulerOutput Schedule()
    {
        var scheduled = new List<ScheduledRequest>();
        var preempted = new List<Request>();
        int budget = config.MaxNumBatchedTokens;
        for (int i = 0; i < _running.Count && budget > 0; i++)
        {
            var request = _running[i];
            int take = Math.Min(request.NumRemainingTokens, budget);
            if (take <= 0) continue;
            if (!AllocateOrPreempt(request, take, preempted)) break;
            scheduled.Add(Scheduled(request, take));
            budget -= take;
        }
        // As in vLLM: a step that had to preempt admits nobody new, or the newcomer would take the freed blocks.
        if (preempted.Count == 0) AdmitWaiting(scheduled, ref budget);
        return new SchedulerOutput(scheduled, preempted);
    }

    /// <summary>
    /// Records a step's results: every scheduled request has its new tokens computed; those whose step reached their
    /// last known token get the sampled token (from <paramref name="sampled"/>, by request id).
    /// </summary>
    public void Update(SchedulerOutput output, IReadOnlyDictionary<string, int> sampled)
    {
        foreach (var (request, numNewTokens, samplesToken) in output.Scheduled)
        {
            if (request.Status != RequestStatus.Running) continue; // finished (aborted) while the step ran
            request.NumComputedTokens += numNewTokens;
            if (samplesToken && sampled.TryGetValue(request.Id, out var token)) request.AppendOutput(token);
        }
    }

    /// <summary>Ends a request (stop, length, abort): frees its blocks and drops it from the queues.</summary>
    public void Finish(Request request, FinishReason reason)
    {
        if (request.Status == RequestStatus.Finished) return;
        _running.Remove(request);
        _waiting.Remove(request);
        cache.Free(request);
        request.Status = RequestStatus.Finished;
        request.FinishReason = reason;
    }

    /// <summary>
    /// Allocates for <paramref name="request"/>, preempting the newest running request until it fits. False when the
    /// request itself had to go (it was the newest): older requests keep their blocks, so the oldest always progresses.
    /// </summary>
    private bool AllocateOrPreempt(Request request, int take, List<Request> preempted)
    {
        while (!cache.TryAllocate(request, take))
        {
            var victim = _running[^1];
            Preempt(victim);
            preempted.Add(victim);
            if (victim == request) return false;
        }
        return true;
    }

    private void AdmitWaiting(List<ScheduledRequest> scheduled, ref int budget)
    {
        while (_waiting.First is { } node && budget > 0 && _running.Count < config.MaxNumSeqs)
        {
            var request = node.Value;
            int take = Math.Min(request.NumRemainingTokens, budget);
            if (!cache.TryAllocate(request, take)) break;
            _waiting.RemoveFirst();
            request.Status = RequestStatus.Running;
            InsertByArrival(request);
            scheduled.Add(Scheduled(request, take));
            budget -= take;
        }
    }

    private void InsertByArrival(Request request)
    {
        int index = _running.Count;
        while (index > 0 && _running[index - 1].Arrival > request.Arrival) index--;
        _running.Insert(index, request);
    }

    private void Preempt(Request request)
    {
        _running.Remove(request);
        cache.Free(request);
        request.NumComputedTokens = 0;
        request.NumPreemptions++;
        request.Status = RequestStatus.Preempted;
        _waiting.AddFirst(request);
    }

    private static ScheduledRequest Scheduled(Request request, int take) =>
        new(request, take, request.NumComputedTokens + take == request.NumTokens);
}
