using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Api.Selection;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Tests.Api.Selection;

public sealed class ListPagerTests
{
    [Fact]
    public void Next_Should_Answer410_When_SnapshotExpired()
    {
        var clock = new ManualClock();
        var pager = new ListPager(clock) { Lifetime = TimeSpan.FromMinutes(5) };
        var first = pager.First(Items(3), 42, limit: 1);

        clock.Now += TimeSpan.FromMinutes(6);
        var error = Assert.Throws<ApiError>(() => pager.Next(first.Continue!, 1));

        Assert.Equal(410, error.Code);
        Assert.Equal("Expired", error.Reason);
    }

    [Fact]
    public void First_Should_ReturnEverything_When_LimitIsZeroOrLarge()
    {
        var pager = new ListPager(new ManualClock());

        var all = pager.First(Items(3), 7, limit: 0);
        var fits = pager.First(Items(3), 7, limit: 3);

        Assert.Equal(3, all.Items.Count);
        Assert.Null(all.Continue);
        Assert.Null(fits.Continue);
        Assert.Null(fits.Remaining);
    }

    private static List<JsonObject> Items(int count) =>
        Enumerable.Range(0, count).Select(i => new JsonObject { ["metadata"] = new JsonObject { ["name"] = $"item-{i}" } }).ToList();

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
