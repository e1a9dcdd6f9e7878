using k8s.Models;
using LlmOperator.LocalCluster.Controllers.Deployments;

namespace LlmOperator.LocalCluster.Tests.Controllers.Deployments;

public sealed class RolloutMathTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("25%", 10, true, 3)]
    [InlineData("25%", 10, false, 2)]
    [InlineData("3", 10, false, 3)]
    [InlineData("100%", 7, false, 7)]
    [InlineData("1%", 1, true, 1)]
    [InlineData("1%", 1, false, 0)]
    public void Scaled_Should_RoundPercentagesUpForSurgeAndDownForUnavailable(string value, int total, bool roundUp, int expected) =>
        Assert.Equal(expected, RolloutMath.Scaled(value, total, roundUp, "field"));

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("x%")]
    public void Scaled_Should_NameTheField_When_TheValueIsMalformed(string value)
    {
        var error = Assert.Throws<FormatException>(() => RolloutMath.Scaled(value, 10, true, "spec.strategy.rollingUpdate.maxSurge"));
        Assert.StartsWith("spec.strategy.rollingUpdate.maxSurge: ", error.Message);
    }

    [Fact]
    public void ResolveFenceposts_Should_AllowOneUnavailable_When_BothResolveToZero() =>
        Assert.Equal((0, 1), RolloutMath.ResolveFenceposts("0%", "10%", 5));

    [Fact]
    public void NewReplicaSetReplicas_Should_GrowUpToReplicasPlusSurge()
    {
        var d = Deployment(10, "3", "2");
        Assert.Equal(3, RolloutMath.NewReplicaSetReplicas(d, allReplicas: 10, newReplicas: 0));
        Assert.Equal(3, RolloutMath.NewReplicaSetReplicas(d, allReplicas: 13, newReplicas: 3));
        Assert.Equal(10, RolloutMath.NewReplicaSetReplicas(d, allReplicas: 2, newReplicas: 8));
    }

    [Fact]
    public void MaxScaledDown_Should_CountUnavailableNewPodsAgainstTheBudget()
    {
        var d = Deployment(4, "1", "1");
        Assert.Equal(2, RolloutMath.MaxScaledDown(d, allReplicas: 5, new ReplicaSetCounts("new", 1, 1, T0)));
        Assert.Equal(1, RolloutMath.MaxScaledDown(d, allReplicas: 5, new ReplicaSetCounts("new", 1, 0, T0)));
    }

    [Fact]
    public void CleanupUnhealthy_Should_ShrinkOldestSetsByTheirUnavailablePodsOnly()
    {
        var plan = RolloutMath.CleanupUnhealthy(
        [
            new ReplicaSetCounts("newer", 3, 1, T0.AddMinutes(1)),
            new ReplicaSetCounts("older", 2, 1, T0),
            new ReplicaSetCounts("healthy", 2, 2, T0.AddMinutes(-1)),
        ], maxCleanup: 2);

        Assert.Equal(new Dictionary<string, int> { ["older"] = 1, ["newer"] = 2 }, plan);
    }

    [Fact]
    public void ScaleDownOld_Should_RemoveOnlyAvailabilityAboveTheMinimum_OldestFirst()
    {
        var d = Deployment(4, "1", "1");
        ReplicaSetCounts older = new("older", 2, 2, T0), newer = new("newer", 2, 2, T0.AddMinutes(1)), current = new("current", 1, 1, T0.AddMinutes(2));

        var plan = RolloutMath.ScaleDownOld(d, [older, newer, current], [newer, older]);

        Assert.Equal(new Dictionary<string, int> { ["older"] = 0 }, plan);
    }

    [Fact]
    public void ProportionalScaling_Should_SpreadANewSizeOverActiveSetsByTheirShare()
    {
        // 10 replicas (+3 surge = 13) mid-rollout as 8 old + 5 new, resized to 20 (+5 surge = 25).
        var d = Deployment(20, "25%", "25%");
        var plan = ProportionalScaling.Plan(d,
        [
            new ReplicaSetCounts("old", 8, 8, T0, MaxReplicas: 13),
            new ReplicaSetCounts("new", 5, 0, T0.AddMinutes(1), MaxReplicas: 13),
        ], statusReplicas: 13);

        Assert.Equal(25, plan.Values.Sum());
        Assert.Equal(new Dictionary<string, int> { ["old"] = 15, ["new"] = 10 }, plan);
    }

    private static V1Deployment Deployment(int replicas, string maxSurge, string maxUnavailable) => new()
    {
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Strategy = new V1DeploymentStrategy
            {
                Type = "RollingUpdate",
                RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = maxSurge, MaxUnavailable = maxUnavailable },
            },
        },
    };
}
