using LlmOperator.Engine.Core.Requests;
using static LlmOperator.Engine.Tests.Core.SchedulerBuilders;

namespace LlmOperator.Engine.Tests.Core;

public sealed class SchedulerTests
{
    [Fact]
    public void Schedule_Should_GiveEveryWaitingRequestItsWholePrompt_When_TheBudgetAllows()
    {
        var scheduler = CreateScheduler(maxNumBatchedTokens: 64);
        var requests = CreateRequests(3, numTokens: 10);
        scheduler.AddAll(requests);

        var output = scheduler.Schedule();

        Assert.Equal(requests.Select(r => r.Id), output.Scheduled.Select(s => s.Request.Id));
        Assert.All(output.Scheduled, s => Assert.Equal(10, s.NumNewTokens));
        Assert.All(output.Scheduled, s => Assert.True(s.SamplesToken));
        Assert.Equal(30, output.NumTokens);
        Assert.Equal(3, scheduler.NumRunning);
    }

    [Fact]
    public void Schedule_Should_ChunkThePrefill_When_ThePromptExceedsTheBudget()
    {
        var scheduler = CreateScheduler(maxNumBatchedTokens: 8);
        var request = CreateRequests(1, numTokens: 20).Single();
        scheduler.Add(request);

        var chunks = Enumerable.Range(0, 4).Select(_ => scheduler.Step()).ToList();

        Assert.Equal([8, 8, 4, 1], chunks.Select(c => c.Scheduled.Single().NumNewTokens));
        Assert.Equal([false, false, true, true], chunks.Select(c => c.Scheduled.Single().SamplesToken));
        Assert.Equal(22, request.NumTokens);      // 20 prompt + the two sampled tokens
        Assert.Equal(21, request.NumComputedTokens);
    }

    [Fact]
    public void Schedule_Should_ServeRunningRequestsFirstAndShareTheBudget_When_PromptsAndDecodesMix()
    {
        var scheduler = CreateScheduler(maxNumBatchedTokens: 12);
        var first = CreateRequests(2, numTokens: 5, prefix: "a");
        scheduler.AddAll(first);
        scheduler.Step();                                   // both prefilled: 10 tokens
        var late = CreateRequests(1, numTokens: 30, prefix: "b").Single();
        scheduler.Add(late);

        var output = scheduler.Step();

        // Decodes of the running two (1 each), then the newcomer's prompt takes what is left of the budget.
        Assert.Equal(new Dictionary<string, int> { ["a0"] = 1, ["a1"] = 1, ["b0"] = 10 }, output.Tokens());
        Assert.False(output.Scheduled.Single(s => s.Request == late).SamplesToken);
    }

    [Fact]
    public void Schedule_Should_RunAtMostMaxNumSeqsInArrivalOrder_When_MoreWait()
    {
        var scheduler = CreateScheduler(maxNumSeqs: 2);
        var requests = CreateRequests(4, numTokens: 3);
        scheduler.AddAll(requests);

        var output = scheduler.Schedule();

        Assert.Equal(["r0", "r1"], output.Scheduled.Select(s => s.Request.Id));
        Assert.Equal(2, scheduler.NumWaiting);
    }

    [Fact]
    public void Schedule_Should_PreemptTheNewestRunningRequest_When_TheCacheIsFull()
    {
        // 4 blocks of 4 tokens: two 8-token prompts fill the cache, so the first decode needs a fifth block.
        var scheduler = CreateScheduler(numBlocks: 4, blockSize: 4);
        var requests = CreateRequests(2, numTokens: 8);
        scheduler.AddAll(requests);
        scheduler.Step();

        var output = scheduler.Step();

        Assert.Equal([requests[1]], output.Preempted);
        Assert.Equal(["r0"], output.Scheduled.Select(s => s.Request.Id));
        Assert.Equal(RequestStatus.Preempted, requests[1].Status);
        Assert.Equal(0, requests[1].NumComputedTokens);
        Assert.Equal(1, requests[1].NumPreemptions);
        Assert.Equal(1, scheduler.NumWaiting);
    }

    [Fact]
    public void Schedule_Should_RecomputePromptAndOutput_When_APreemptedRequestResumes()
    {
        var scheduler = CreateScheduler(numBlocks: 4, blockSize: 4);
        var requests = CreateRequests(2, numTokens: 8, maxTokens: 4);
        scheduler.AddAll(requests);
        scheduler.Step();
        scheduler.Step();                                   // r1 preempted with one output token
        scheduler.Finish(requests[0], FinishReason.Length);

        var output = scheduler.Step();

        var resumed = output.Scheduled.Single();
        Assert.Same(requests[1], resumed.Request);
        Assert.Equal(9, resumed.NumNewTokens);              // 8 prompt tokens + the token it had generated
        Assert.True(resumed.SamplesToken);
        Assert.Equal([7, 7], requests[1].OutputTokenIds);
    }

    [Fact]
    public void Schedule_Should_NeverPreemptARequestItAlreadyScheduled_When_SeveralRequestsOutgrowTheCache()
    {
        // Three requests that together outgrow 6 blocks step after step: preemptions and resumptions interleave.
        // A victim must never be one this step already handed tokens (its blocks would be gone when the model runs).
        var scheduler = CreateScheduler(numBlocks: 6, blockSize: 4, maxNumBatchedTokens: 64);
        var requests = CreateRequests(3, numTokens: 8, maxTokens: 10);
        scheduler.AddAll(requests);
        for (int i = 0; i < 6; i++)
        {
            var output = scheduler.Step();
            var scheduledIds = output.Scheduled.Select(s => s.Request.Id).ToHashSet();
            Assert.DoesNotContain(output.Preempted, p => scheduledIds.Contains(p.Id));
            Assert.All(output.Scheduled, s => Assert.Equal(RequestStatus.Running, s.Request.Status));
            Assert.All(output.Scheduled, s => Assert.True(scheduler.Cache.BlocksOf(s.Request).Count * 4 >= s.Request.NumComputedTokens));
        }
    }

    [Fact]
    public void Finish_Should_ReturnEveryBlockToThePool_When_AllRequestsEndIncludingCancellations()
    {
        var random = new Random(5);
        var scheduler = CreateScheduler(maxNumSeqs: 8, maxNumBatchedTokens: 24, numBlocks: 24, blockSize: 4);
        var requests = Enumerable.Range(0, 40).SelectMany(i => CreateRequests(1, numTokens: random.Next(1, 30), maxTokens: random.Next(4, 40), prefix: $"q{i}-")).ToList();
        int next = 0, preemptions = 0;
        while (next < requests.Count || scheduler.HasUnfinishedRequests)
        {
            if (next < requests.Count && random.Next(2) == 0) scheduler.Add(requests[next++]);
            var output = scheduler.Step(random.Next(512));
            preemptions += output.Preempted.Count;
            foreach (var request in requests.Where(r => r.Status == RequestStatus.Running && r.OutputTokenIds.Count >= r.MaxTokens))
                scheduler.Finish(request, FinishReason.Length);
            if (random.Next(20) == 0 && requests.FirstOrDefault(r => r.Status is RequestStatus.Running or RequestStatus.Waiting or RequestStatus.Preempted) is { } victim)
                scheduler.Finish(victim, FinishReason.Aborted);
            Assert.True(scheduler.Cache.FreeBlocks >= 0);
        }

        Assert.All(requests, r => Assert.Equal(RequestStatus.Finished, r.Status));
        Assert.Equal(scheduler.Cache.NumBlocks, scheduler.Cache.FreeBlocks);
        Assert.True(preemptions > 0, "the workload is meant to preempt");
    }
}
