using k8s.Models;
using LlmOperator.Operator.Reconciliation.Probing;
using LlmOperator.Operator.Reconciliation.Revisions;
using LlmOperator.Operator.Tests.Reconciliation.Support;

namespace LlmOperator.Operator.Tests.Reconciliation;

/// <summary>
/// The readiness gate from the operator's side: a pod whose containers are ready is probed, and only a pod that answered
/// gets the proven condition (so becomes Ready, takes Service traffic and counts as available to the rollout).
/// </summary>
public sealed class ReconcilerReadinessGateTests
{
    [Fact]
    public async Task Reconcile_Should_SetProvenConditionOnEachPod_When_ProbeAnswers()
    {
        using var h = new ReconcilerHarness();

        await h.ReconcileAsync();
        h.RunDeploymentController();
        Assert.All(h.Pods, p => Assert.Equal("False", Condition(p, "Ready")?.Status)); // gated: containers ready, pod not
        await h.ReconcileAsync();

        Assert.Equal(2, h.Cluster.Writes.Count(w => w.StartsWith("patch-status Pod ml/tiny-", StringComparison.Ordinal)));
        Assert.All(h.Pods, p =>
        {
            var proven = Condition(p, ProvenGate.ConditionType)!;
            Assert.Equal(("True", ProvenGate.ProvenReason), (proven.Status, proven.Reason));
            Assert.Contains($"answered by {p.Metadata.Name}", proven.Message, StringComparison.Ordinal);
            Assert.Equal("True", Condition(p, "ContainersReady")?.Status); // the kubelet's conditions are kept
        });
        h.RunDeploymentController();
        Assert.All(h.Pods, p => Assert.Equal("True", Condition(p, "Ready")?.Status));
    }

    [Fact]
    public async Task Reconcile_Should_KeepGateClosed_When_ProbeFails()
    {
        using var h = new ReconcilerHarness();
        h.Prober.Answer = pod => new ProbeResult(pod.Metadata.Name.EndsWith("-0", StringComparison.Ordinal), "HTTP 500");

        await h.SettleAsync();

        var (good, bad) = (h.Pods[0], h.Pods[1]);
        Assert.Equal(("True", "True"), (Condition(good, ProvenGate.ConditionType)?.Status, Condition(good, "Ready")?.Status));
        Assert.Null(Condition(bad, ProvenGate.ConditionType));
        Assert.Equal("False", Condition(bad, "Ready")?.Status);
        Assert.Equal(RevisionOutcome.Pending, h.RevisionOf(h.DeployedRevision!).Outcome);
        Assert.Single(h.Prober.Calls, c => c.Pod == good.Metadata.Name); // proven once, not again on each reconcile
    }

    [Fact]
    public async Task Reconcile_Should_ProveRecreatedPod_When_RevisionIsAlreadyGood()
    {
        using var h = new ReconcilerHarness();
        var good = await h.RolloutGoodAsync();
        var replaced = h.Pods[1].Metadata.Name;
        h.Cluster.Remove<V1Pod>(ReconcilerHarness.Ns, replaced);
        int before = h.Prober.Calls.Count;

        await h.SettleAsync(2);

        var recreated = h.Pods.Single(p => p.Spec.NodeName == "node-1");
        Assert.NotEqual(replaced, recreated.Metadata.Name);
        Assert.Equal([recreated.Metadata.Name], h.Prober.Calls.Skip(before).Select(c => c.Pod));
        Assert.Equal("True", Condition(recreated, "Ready")?.Status);
        Assert.Equal(RevisionOutcome.Good, h.RevisionOf(good).Outcome);
    }

    private static V1PodCondition? Condition(V1Pod pod, string type) => pod.Status.Conditions.FirstOrDefault(c => c.Type == type);
}
