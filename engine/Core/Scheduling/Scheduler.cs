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
    private readonly List<Request> _running = [];
    private readonly LinkedList<Request> _waiting = new();

    public int NumRunning => _running.Count;

    public int NumWaiting => _waiting.Count;

    public bool HasUnfinishedRequests => _running.Count > 0 || _waiting.Count > 0;

    public KvCacheManager Cache => cache;

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
        if (preempted.Count == 0) AdmitWaiting(scheduled, ref budget);
        return new SchedulerOutput(scheduled, preempted);
    }

    /// <summary>
    /// Records a step's results: every scheduled request has its new tokens computed; those that completed their
    /// known tokens get the sampled token (from <paramref name="sampled"/>, by request id).
    /// </summary>
    public void Update(SchedulerOutput output, IReadOnlyDictionary<string, int> sampled)
    {
        foreach (var (request, numNewTokens, completes) in output.Scheduled)
        {
            if (request.Status != RequestStatus.Running) continue;
            request.NumComputedTokens += numNewTokens;
            if (completes && sampled.TryGetValue(request.Id, out var token)) request.AppendOutput(token);
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

    private bool AllocateOrPreempt(Request request, int take, List<Request> preempted)
    {
        while (!cache.TryAllocate(request, take))
        {
            var victim = _running.MaxBy(r => r.Arrival)!;
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
            _running.Add(request);
            scheduled.Add(Scheduled(request, take));
            budget -= take;
        }
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
