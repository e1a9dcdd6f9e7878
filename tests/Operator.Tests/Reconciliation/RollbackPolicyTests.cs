using LlmOperator.Operator.Failures;
using LlmOperator.Operator.Reconciliation.Rollback;

namespace LlmOperator.Operator.Tests.Reconciliation;

public sealed class RollbackPolicyTests
{
    private static readonly HashSet<PodFailureClass> AssertsOnly = [PodFailureClass.GpuAssertion];

    private static PodFailure Failure(string pod, string node, PodFailureClass failureClass = PodFailureClass.GpuAssertion) =>
        new(pod, node, new FailureVerdict(failureClass, "CUDA error: device-side assert triggered", "termination message"));

    private static RolloutObservation Observe(IReadOnlyList<PodFailure> failures, string[]? readyNodes = null,
        string? lastGood = "good", int threshold = 1) =>
        new("bad", lastGood, failures, readyNodes ?? [], AssertsOnly, threshold);

    [Fact]
    public void Decide_Should_RollBack_When_AssertsHitPodsOnTwoNodes()
    {
        var decision = RollbackPolicy.Decide(Observe([Failure("a", "n1"), Failure("b", "n2")]));

        var rollBack = Assert.IsType<RollbackDecision.RollBack>(decision);
        Assert.Equal(("bad", "good", 2), (rollBack.FailedRevision, rollBack.ToRevision, rollBack.Failures));
    }

    [Fact]
    public void Decide_Should_RollBack_When_OnlyNodeHasNoHealthyPeer()
    {
        var decision = RollbackPolicy.Decide(Observe([Failure("a", "n1")]));

        Assert.IsType<RollbackDecision.RollBack>(decision);
    }

    [Fact]
    public void Decide_Should_RecreatePod_When_FailureIsConfinedToOneNodeAndRevisionRunsElsewhere()
    {
        var decision = RollbackPolicy.Decide(Observe([Failure("a", "n1")], readyNodes: ["n2"]));

        var recreate = Assert.IsType<RollbackDecision.RecreatePods>(decision);
        Assert.Equal("n1", recreate.Node);
    }

    [Fact]
    public void Decide_Should_BlameTheNode_When_GpuHardwareFails()
    {
        var decision = RollbackPolicy.Decide(Observe([Failure("a", "n1", PodFailureClass.GpuHardware), Failure("b", "n1", PodFailureClass.GpuHardware)]));

        Assert.Equal("n1", Assert.IsType<RollbackDecision.RecreatePods>(decision).Node);
    }

    [Fact]
    public void Decide_Should_ScaleToZero_When_NoGoodRevisionExists()
    {
        var decision = RollbackPolicy.Decide(Observe([Failure("a", "n1")], lastGood: null));

        Assert.IsType<RollbackDecision.ScaleToZero>(decision);
    }

    [Fact]
    public void Decide_Should_Keep_When_BelowThresholdOrClassNotListed()
    {
        Assert.IsType<RollbackDecision.Keep>(RollbackPolicy.Decide(Observe([Failure("a", "n1")], threshold: 2)));
        Assert.IsType<RollbackDecision.Keep>(RollbackPolicy.Decide(Observe([Failure("a", "n1", PodFailureClass.GpuOutOfMemory)])));
        Assert.IsType<RollbackDecision.Keep>(RollbackPolicy.Decide(Observe([])));
    }
}
