using LlmOperator.LocalCluster.Controllers.Runtime;
using Microsoft.Extensions.Time.Testing;

namespace LlmOperator.LocalCluster.Tests.Controllers.Runtime;

public sealed class WorkQueueTests
{
    [Fact]
    public async Task Take_Should_HandOutAKeyOnce_When_ItIsAddedRepeatedly()
    {
        using var queue = new WorkQueue<string>(TimeProvider.System);
        queue.Add("a");
        queue.Add("b");
        queue.Add("a");

        Assert.Equal("a", await queue.TakeAsync(CancellationToken.None));
        Assert.Equal("b", await queue.TakeAsync(CancellationToken.None));
        using var nothingMore = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queue.TakeAsync(nothingMore.Token));
    }

    [Fact]
    public async Task Done_Should_RequeueAKey_When_ItWasAddedWhileBeingProcessed()
    {
        using var queue = new WorkQueue<string>(TimeProvider.System);
        queue.Add("a");
        var key = await queue.TakeAsync(CancellationToken.None);

        queue.Add("a");
        using var notWhileProcessing = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queue.TakeAsync(notWhileProcessing.Token));
        queue.Done(key);

        Assert.Equal("a", await queue.TakeAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AddAfter_Should_AddTheKeyOnlyWhenTheClusterClockReachesTheDelay()
    {
        var clock = new FakeTimeProvider();
        using var queue = new WorkQueue<string>(clock);
        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        var taken = queue.TakeAsync(CancellationToken.None);

        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.False(taken.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("a", await taken.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
