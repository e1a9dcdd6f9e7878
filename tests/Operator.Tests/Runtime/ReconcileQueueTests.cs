using LlmOperator.Operator.Runtime;

namespace LlmOperator.Operator.Tests.Runtime;

public sealed class ReconcileQueueTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Enqueue_Should_HandOutKeyOnce_When_QueuedTwice()
    {
        var queue = new ReconcileQueue();
        queue.Enqueue("ns/a");
        queue.Enqueue("ns/a");

        Assert.Equal("ns/a", await queue.DequeueAsync(Cancel()));
        Assert.Equal(0, queue.Depth);
    }

    [Fact]
    public async Task Enqueue_Should_RequeueAfterCompletion_When_KeyChangesWhileActive()
    {
        var queue = new ReconcileQueue();
        queue.Enqueue("ns/a");
        var key = await queue.DequeueAsync(Cancel());
        queue.Enqueue("ns/a");
        queue.Enqueue("ns/b");

        Assert.Equal("ns/b", await queue.DequeueAsync(Cancel()));
        queue.Complete(key, ReconcileResult.Success());
        Assert.Equal("ns/a", await queue.DequeueAsync(Cancel()));
    }

    [Fact]
    public async Task Complete_Should_BackOffExponentially_When_ReconcileFails()
    {
        var queue = new ReconcileQueue(baseDelay: TimeSpan.FromMilliseconds(50), maxDelay: TimeSpan.FromMilliseconds(400));
        queue.Enqueue("ns/a");
        var gaps = new List<TimeSpan>();
        var key = await queue.DequeueAsync(Cancel());
        for (int i = 0; i < 4; i++)
        {
            var failedAt = DateTimeOffset.UtcNow;
            queue.Complete(key, ReconcileResult.Failure("conflict"));
            key = await queue.DequeueAsync(Cancel());
            gaps.Add(DateTimeOffset.UtcNow - failedAt);
        }

        Assert.True(gaps[0] >= TimeSpan.FromMilliseconds(45), $"first back-off {gaps[0]}");
        Assert.True(gaps[2] >= TimeSpan.FromMilliseconds(190), $"third back-off {gaps[2]}");
    }

    [Fact]
    public async Task Complete_Should_NotRequeue_When_FailureIsTerminal()
    {
        var queue = new ReconcileQueue(baseDelay: TimeSpan.FromMilliseconds(1));
        queue.Enqueue("ns/a");
        queue.Complete(await queue.DequeueAsync(Cancel()), ReconcileResult.TerminalFailure("invalid spec"));

        using var shortWait = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queue.DequeueAsync(shortWait.Token));
    }

    [Fact]
    public async Task Complete_Should_VisitAgainLater_When_SuccessAsksForRequeue()
    {
        var queue = new ReconcileQueue();
        queue.Enqueue("ns/a");
        queue.Complete(await queue.DequeueAsync(Cancel()), ReconcileResult.Success(TimeSpan.FromMilliseconds(100)));

        Assert.Equal(1, queue.Depth);
        Assert.Equal("ns/a", await queue.DequeueAsync(Cancel()));
    }

    [Fact]
    public void Due_Should_CountOnlyKeysDueNow_When_VisitsAreScheduled()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var queue = new ReconcileQueue(clock);
        queue.Enqueue("ns/a", TimeSpan.FromMinutes(10));
        queue.Enqueue("ns/b");

        Assert.Equal((2, 1), (queue.Depth, queue.Due));
        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal((2, 2), (queue.Depth, queue.Due));
    }

    private static CancellationToken Cancel() => new CancellationTokenSource(Patience).Token;
}
