using k8s.Models;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Reconciliation.DesiredState;
using LlmOperator.Operator.Reconciliation.Revisions;
using LlmOperator.Operator.Tests.Telemetry;
using LlmOperator.Operator.Tests.Reconciliation.Support;
using C = LlmOperator.Operator.Entities.ConditionTypes;

namespace LlmOperator.Operator.Tests.Reconciliation;

public sealed class ReconcilerRollbackTests
{
    private const string DeviceAssert = "RuntimeError: CUDA error: device-side assert triggered\nCompile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.";

    /// <summary>A good first revision, then a spec change whose revision is Ready (not yet proven) on both nodes.</summary>
    private static async Task<(ReconcilerHarness H, string Good, string Bad)> BadRolloutAsync(Action<ModelDeploymentSpec>? spec = null)
    {
        var h = new ReconcilerHarness(spec);
        var good = await h.RolloutGoodAsync();
        h.Prober.Answer = _ => new LlmOperator.Operator.Reconciliation.Probing.ProbeResult(false, "connection reset");
        h.EditSpec(s => s.Engine.MaxModelLen = 2048);
        await h.SettleAsync(1);
        var bad = h.DeployedRevision!;
        Assert.NotEqual(good, bad);
        return (h, good, bad);
    }

    /// <summary>The same device assert in the revision's pods on both nodes: evidence against the spec, not a node.</summary>
    private static void FailEverywhere(ReconcilerHarness h, string revision)
    {
        h.FailPod($"tiny-{revision}-0", DeviceAssert);
        h.FailPod($"tiny-{revision}-1", DeviceAssert);
    }

    [Fact]
    public async Task Reconcile_Should_RollBackToLastGood_When_GpuAssertionReachesThreshold()
    {
        var (h, good, bad) = await BadRolloutAsync(s => s.Rollout.FailureThreshold = 3);
        using var _ = h;
        using var rollbacks = new MeasurementRecorder(h.Metrics, "llm_operator_rollbacks");

        h.FailPod($"tiny-{bad}-0", DeviceAssert);
        h.FailPod($"tiny-{bad}-1", DeviceAssert);
        await h.ReconcileAsync();
        Assert.Equal(bad, h.DeployedRevision);

        h.FailPod($"tiny-{bad}-0", DeviceAssert, times: 2);
        await h.ReconcileAsync();

        Assert.Equal(good, h.DeployedRevision);
        var failed = h.RevisionOf(bad);
        Assert.Equal((RevisionOutcome.Failed, "GpuAssertion"), (failed.Outcome, failed.Reason));
        Assert.Equal(h.Resource.Metadata.Generation, failed.OutcomeGeneration);
        var degraded = h.Condition(C.Degraded);
        Assert.Equal("True", degraded.Status);
        foreach (var part in new[] { $"pod tiny-{bad}-", "node-", "device-side assert triggered", good, bad })
            Assert.True(degraded.Message.Contains(part, StringComparison.Ordinal), $"'{part}' missing from: {degraded.Message}");
        Assert.Equal(("True", "AutomaticRollback"), (h.Condition(C.RolledBack).Status, h.Condition(C.RolledBack).Reason));
        Assert.Equal(("True", "RolledBack"), (h.Condition(C.Stalled).Status, h.Condition(C.Stalled).Reason));
        Assert.Equal(("False", "RolledBack"), (h.Condition(C.Ready).Status, h.Condition(C.Ready).Reason));
        Assert.Equal(("RolledBack", good), (h.Status.Phase, h.Status.CurrentRevision));
        Assert.Equal(bad, h.Status.FailedRevisions!.Single().Revision);
        Assert.Single(h.Events, e => e.Type == "Warning" && e.Reason == "RolledBack");
        Assert.Equal(1, rollbacks.Total(("action", "RolledBack"), ("reason", "GpuAssertion")));
    }

    [Fact]
    public async Task Reconcile_Should_NotRetryFailedRevision_When_GenerationUnchanged()
    {
        var (h, good, bad) = await BadRolloutAsync();
        using var _ = h;
        FailEverywhere(h, bad);
        await h.ReconcileAsync();
        Assert.Equal(good, h.DeployedRevision);

        // The Git-held spec is unchanged; metadata changes (a label from a GitOps tool) do not bump the generation.
        h.Cluster.Mutate<V1Alpha1ModelDeployment>(ReconcilerHarness.Ns, ReconcilerHarness.Name, md => md.Metadata.Labels = new Dictionary<string, string> { ["argocd"] = "synced" });
        await h.SettleAsync();
        var writes = h.Cluster.Writes.Count;
        await h.ReconcileAsync();

        Assert.Equal(good, h.DeployedRevision);
        Assert.Equal(writes, h.Cluster.Writes.Count);
        Assert.Single(h.Events, e => e.Reason == "RolledBack");
        Assert.Equal("True", h.Condition(C.Stalled).Status);
    }

    [Fact]
    public async Task Reconcile_Should_TryFailedRevisionAgain_When_SpecGenerationChanges()
    {
        var (h, good, bad) = await BadRolloutAsync();
        using var _ = h;
        FailEverywhere(h, bad);
        await h.ReconcileAsync();

        // The failed pods still exist when the new generation arrives: their old terminations are not new evidence.
        h.Clock.Advance(TimeSpan.FromSeconds(10));
        h.EditSpec(s => s.Replicas = 3);
        await h.ReconcileAsync();

        Assert.Equal(bad, h.DeployedRevision);
        Assert.Equal(3, h.Deployment!.Spec.Replicas);
        Assert.Equal(RevisionOutcome.Pending, h.RevisionOf(bad).Outcome);
        Assert.Equal(("False", "SpecRevision"), (h.Condition(C.RolledBack).Status, h.Condition(C.RolledBack).Reason));
        Assert.Equal(("False", "True"), (h.Condition(C.Stalled).Status, h.Condition(C.Reconciling).Status));
        Assert.Equal(RevisionOutcome.Good, h.RevisionOf(good).Outcome);
    }

    [Fact]
    public async Task Reconcile_Should_ScaleToZero_When_NoGoodRevisionExists()
    {
        using var h = new ReconcilerHarness();
        h.Prober.Answer = _ => new LlmOperator.Operator.Reconciliation.Probing.ProbeResult(false, "not yet");
        await h.SettleAsync(1);
        var bad = h.DeployedRevision!;

        FailEverywhere(h, bad);
        await h.ReconcileAsync();

        Assert.Equal(0, h.Deployment!.Spec.Replicas);
        Assert.Equal(RevisionOutcome.Failed, h.RevisionOf(bad).Outcome);
        Assert.Equal("Failed", h.Status.Phase);
        Assert.Equal(("True", "NoGoodRevision"), (h.Condition(C.Stalled).Status, h.Condition(C.Stalled).Reason));
        Assert.Equal("False", h.Condition(C.RolledBack).Status);
        Assert.Contains("scaled to zero", h.Condition(C.Degraded).Message, StringComparison.Ordinal);
        Assert.Single(h.Events, e => e.Reason == "ScaledToZero");
    }

    [Fact]
    public async Task Reconcile_Should_RecreatePodAndNameNode_When_FailureConfinedToOneNode()
    {
        using var h = new ReconcilerHarness();
        var good = await h.RolloutGoodAsync();

        h.FailPod($"tiny-{good}-0", DeviceAssert);
        await h.ReconcileAsync();

        Assert.Contains($"delete Pod ml/tiny-{good}-0", h.Cluster.Writes);
        Assert.Equal(good, h.DeployedRevision);
        Assert.Equal(RevisionOutcome.Good, h.RevisionOf(good).Outcome);
        var recreated = Assert.Single(h.Events, e => e.Reason == "PodRecreated");
        Assert.Contains("node-0", recreated.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconcile_Should_RollBack_When_FailureFollowsRecreatedPodToAnotherNode()
    {
        var (h, good, bad) = await BadRolloutAsync();
        using var _ = h;

        // The probe kills one pod at a time: node-0's first, while node-1's answered it and is Ready (proven).
        h.Prober.Answer = pod => new LlmOperator.Operator.Reconciliation.Probing.ProbeResult(pod.Spec.NodeName == "node-1", "connection reset");
        await h.SettleAsync(1);
        Assert.Equal("True", h.Pods.Single(p => p.Metadata.Name == $"tiny-{bad}-1").Status.Conditions.Single(c => c.Type == "Ready").Status);
        h.FailPod($"tiny-{bad}-0", DeviceAssert);
        await h.ReconcileAsync();
        Assert.Equal(bad, h.DeployedRevision);
        Assert.Contains($"delete Pod ml/tiny-{bad}-0", h.Cluster.Writes);
        h.RunDeploymentController();

        h.FailPod($"tiny-{bad}-1", DeviceAssert);
        await h.ReconcileAsync();

        Assert.Equal(good, h.DeployedRevision);
        Assert.Equal(RevisionOutcome.Failed, h.RevisionOf(bad).Outcome);
        Assert.Single(h.Events, e => e.Reason == "RolledBack");
    }

    [Fact]
    public async Task Reconcile_Should_RecreatePod_When_GpuHardwareFails()
    {
        using var h = new ReconcilerHarness();
        var good = await h.RolloutGoodAsync();

        h.FailPod($"tiny-{good}-1", "NVRM: Xid (PCI:0000:3b:00): 79, pid=1234, GPU has fallen off the bus.");
        await h.ReconcileAsync();

        Assert.Contains($"delete Pod ml/tiny-{good}-1", h.Cluster.Writes);
        Assert.Equal(RevisionOutcome.Good, h.RevisionOf(good).Outcome);
        Assert.Contains("node-1", h.Events.Single(e => e.Reason == "PodRecreated").Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconcile_Should_ReadPreviousLog_When_TerminationMessageSaysNothing()
    {
        var (h, good, bad) = await BadRolloutAsync();
        using var _ = h;
        foreach (var pod in new[] { $"tiny-{bad}-0", $"tiny-{bad}-1" })
        {
            h.FailPod(pod, "", exitCode: 0);
            h.Cluster.Logs[(ReconcilerHarness.Ns, pod, "engine", true)] = "INFO loading\n" + DeviceAssert + "\nINFO engine core exited\n";
        }

        await h.ReconcileAsync();

        Assert.Equal(good, h.DeployedRevision);
        Assert.Contains("previous log", h.RevisionOf(bad).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconcile_Should_PutAnnotatedGoodRevisionBack_When_ManualRollbackRequested()
    {
        using var h = new ReconcilerHarness();
        var first = await h.RolloutGoodAsync();
        h.EditSpec(s => s.Engine.MaxModelLen = 2048);
        await h.SettleAsync(2); // pods, then their proof, then Ready behind the gate
        var second = h.DeployedRevision!;
        Assert.Equal(RevisionOutcome.Good, h.RevisionOf(second).Outcome);

        h.Cluster.Mutate<V1Alpha1ModelDeployment>(ReconcilerHarness.Ns, ReconcilerHarness.Name,
            md => md.Metadata.Annotations = new Dictionary<string, string> { [EngineLabels.RollbackTo] = first });
        await h.ReconcileAsync();
        // Rolling to the pinned revision: in progress (kstatus InProgress).
        Assert.Equal(("False", "True", "False"), (h.Condition(C.Ready).Status, h.Condition(C.Reconciling).Status, h.Condition(C.Stalled).Status));
        await h.SettleAsync(2);

        Assert.Equal(first, h.DeployedRevision);
        Assert.False(h.Resource.Metadata.Annotations?.ContainsKey(EngineLabels.RollbackTo) ?? false);
        Assert.Equal(("True", "ManualRollback"), (h.Condition(C.RolledBack).Status, h.Condition(C.RolledBack).Reason));
        // Serving the pinned revision, the spec's held back until it changes: as after an automatic rollback, Stalled
        // (kstatus Failed, Argo CD Degraded), not Ready.
        Assert.Equal(("False", "False", "True"), (h.Condition(C.Ready).Status, h.Condition(C.Reconciling).Status, h.Condition(C.Stalled).Status));
        Assert.Equal(("ManualRollback", "ManualRollback"), (h.Condition(C.Ready).Reason, h.Condition(C.Stalled).Reason));
        Assert.Equal("RolledBack", h.Status.Phase);
        Assert.Equal(RevisionOutcome.Good, h.RevisionOf(second).Outcome);
        Assert.Single(h.Events, e => e.Reason == "ManualRollback");

        h.EditSpec(s => s.Engine.MaxModelLen = 1024);
        await h.ReconcileAsync();
        Assert.NotEqual(first, h.DeployedRevision);
    }

    [Fact]
    public async Task Reconcile_Should_RefuseRollback_When_RevisionIsNotGood()
    {
        using var h = new ReconcilerHarness();
        var good = await h.RolloutGoodAsync();
        h.Cluster.Mutate<V1Alpha1ModelDeployment>(ReconcilerHarness.Ns, ReconcilerHarness.Name,
            md => md.Metadata.Annotations = new Dictionary<string, string> { [EngineLabels.RollbackTo] = "nosuch" });

        await h.ReconcileAsync();

        Assert.Equal(good, h.DeployedRevision);
        var refused = Assert.Single(h.Events, e => e.Reason == "RollbackRefused");
        Assert.Contains(good, refused.Message, StringComparison.Ordinal);
        Assert.False(h.Resource.Metadata.Annotations?.ContainsKey(EngineLabels.RollbackTo) ?? false);
    }

    [Fact]
    public async Task Reconcile_Should_KeepGoing_When_FailureClassIsNotListed()
    {
        var (h, _, bad) = await BadRolloutAsync();
        using var _h = h;

        h.FailPod($"tiny-{bad}-0", "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB");
        h.FailPod($"tiny-{bad}-1", "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB");
        await h.ReconcileAsync();

        Assert.Equal(bad, h.DeployedRevision);
        Assert.Equal(("True", "GpuOutOfMemory"), (h.Condition(C.Degraded).Status, h.Condition(C.Degraded).Reason));
    }
}
