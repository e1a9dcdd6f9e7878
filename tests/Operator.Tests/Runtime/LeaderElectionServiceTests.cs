using LlmOperator.Operator.Runtime;
using LlmOperator.Operator.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmOperator.Operator.Tests.Runtime;

public sealed class LeaderElectionServiceTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static readonly OperatorOptions Fast = new()
    {
        LeaseDuration = TimeSpan.FromSeconds(1), RenewDeadline = TimeSpan.FromMilliseconds(500), RetryPeriod = TimeSpan.FromMilliseconds(100),
    };

    /// <summary>Work that counts how many instances run at once, across every service sharing the counter.</summary>
    private sealed class CountingWork(StrongBox counter) : ILeaderWork
    {
        public int Starts;
        public volatile bool Running;

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Starts);
            Running = true;
            counter.Enter();
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            finally
            {
                counter.Leave();
                Running = false;
            }
        }
    }

    private sealed class StrongBox
    {
        private int _now;
        public int Max;

        public void Enter()
        {
            var now = Interlocked.Increment(ref _now);
            int max;
            while (now > (max = Max) && Interlocked.CompareExchange(ref Max, now, max) != max) { }
        }

        public void Leave() => Interlocked.Decrement(ref _now);
    }

    private static async Task Until(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!condition()) await Task.Delay(20, timeout.Token);
    }

    [Fact]
    public async Task Service_Should_RunWorkAtOnce_When_LeaderElectionIsOff()
    {
        var work = new CountingWork(new StrongBox());
        using var service = new LeaderElectionService(work, Fast, null, NullLogger<LeaderElectionService>.Instance);

        await service.StartAsync(CancellationToken.None);
        await Until(() => work.Running);
        await service.StopAsync(CancellationToken.None);

        Assert.False(work.Running);
        Assert.True(service.IsLeading);
    }

    [Fact]
    public async Task Service_Should_StopWork_When_LeaseCannotBeRenewed()
    {
        var work = new CountingWork(new StrongBox());
        var leaseLock = new FakeLock(new LeaseStore(), "a");
        using var service = new LeaderElectionService(work, Fast, leaseLock, NullLogger<LeaderElectionService>.Instance);
        await service.StartAsync(CancellationToken.None);
        await Until(() => work.Running);
        Assert.True(service.IsLeading);

        leaseLock.Partitioned = true;
        await Until(() => !work.Running);

        Assert.False(service.IsLeading);
        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Services_Should_NeverRunTogetherAndHandOver_When_SharingOneLease()
    {
        var store = new LeaseStore();
        var counter = new StrongBox();
        var (workA, workB) = (new CountingWork(counter), new CountingWork(counter));
        using var a = new LeaderElectionService(workA, Fast, new FakeLock(store, "a"), NullLogger<LeaderElectionService>.Instance);
        using var b = new LeaderElectionService(workB, Fast, new FakeLock(store, "b"), NullLogger<LeaderElectionService>.Instance);

        await a.StartAsync(CancellationToken.None);
        await Until(() => workA.Running);
        await b.StartAsync(CancellationToken.None);
        await Task.Delay(Fast.LeaseDuration * 2);
        Assert.False(workB.Running);

        await a.StopAsync(CancellationToken.None);
        await Until(() => workB.Running);

        Assert.Equal("b", store.Record!.HolderIdentity);
        Assert.Equal(1, counter.Max);
        await b.StopAsync(CancellationToken.None);
        Assert.Equal("", store.Record!.HolderIdentity);
    }
}
