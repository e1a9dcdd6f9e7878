using LlmOperator.Engine.Core.Requests;
using LlmOperator.Engine.Core.Scheduling;
using LlmOperator.Engine.KvCache;

namespace LlmOperator.Engine.Tests.Core;

/// <summary>Builders in the manner of vLLM's tests/v1/core/test_scheduler.py (create_scheduler, create_requests).</summary>
internal static class SchedulerBuilders
{
    public static Scheduler CreateScheduler(int maxNumSeqs = 16, int maxNumBatchedTokens = 64, int numBlocks = 1000, int blockSize = 4) =>
        new(new SchedulerConfig(maxNumSeqs, maxNumBatchedTokens), new KvCacheManager(new BlockPool(numBlocks), blockSize));

    private static long _arrival;

    /// <summary><paramref name="count"/> requests of <paramref name="numTokens"/> prompt tokens each, in arrival order.</summary>
    public static List<Request> CreateRequests(int count, int numTokens, int maxTokens = 16, string prefix = "r") =>
        Enumerable.Range(0, count)
            .Select(i => new Request($"{prefix}{i}", Enumerable.Range(1, numTokens).ToArray(), maxTokens, Interlocked.Increment(ref _arrival)))
            .ToList();

    /// <summary>Adds the requests, in order.</summary>
    public static void AddAll(this Scheduler scheduler, IEnumerable<Request> requests)
    {
        foreach (var request in requests) scheduler.Add(request);
    }

    /// <summary>One step with a fake model: every request that samples gets <paramref name="token"/>.</summary>
    public static SchedulerOutput Step(this Scheduler scheduler, int token = 7)
    {
        var output = scheduler.Schedule();
        scheduler.Update(output, output.Scheduled.Where(s => s.SamplesToken).ToDictionary(s => s.Request.Id, _ => token));
        return output;
    }

    /// <summary>What each request got this step, by id.</summary>
    public static Dictionary<string, int> Tokens(this SchedulerOutput output) =>
        output.Scheduled.ToDictionary(s => s.Request.Id, s => s.NumNewTokens);
}
