using System.Net;
using k8s.Models;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Reconciliation;
using LlmOperator.Operator.Reconciliation.Probing;
using LlmOperator.Operator.Reconciliation.Revisions;
using LlmOperator.Operator.Tests.Fakes;
using LlmOperator.Operator.Tests.Reconciliation.Support;
using C = LlmOperator.Operator.Entities.ConditionTypes;

namespace LlmOperator.Operator.Tests.Reconciliation;

public sealed class ReconcilerRolloutTests
{
    [Fact]
    public async Task Reconcile_Should_ReportFindingsAndCreateNothing_When_SpecIsInvalid()
    {
        using var h = new ReconcilerHarness(s => s.Engine.TensorParallelSize = 3);

        var result = await h.ReconcileAsync();

        Assert.True(result.Terminal);
        Assert.Null(h.Deployment);
        Assert.Empty(h.Revisions);
        Assert.Equal(("False", "InvalidSpec"), (h.Condition(C.Valid).Status, h.Condition(C.Valid).Reason));
        Assert.Equal(("False", "InvalidSpec"), (h.Condition(C.Ready).Status, h.Condition(C.Ready).Reason));
        Assert.Equal("True", h.Condition(C.Stalled).Status);
        Assert.Equal("Invalid", h.Status.Phase);
        Assert.Contains(h.Status.Validation!.Findings!, f => f.Severity == "Error" && f.Field.Contains("tensorParallelSize", StringComparison.Ordinal));
        Assert.Contains(h.Events, e => e.Type == "Warning" && e.Reason == "InvalidSpec" && e.InvolvedObject.Uid == h.Resource.Metadata.Uid);
    }

    [Fact]
    public async Task Reconcile_Should_LeaveRunningRevisionAlone_When_NewSpecIsInvalid()
    {
        using var h = new ReconcilerHarness();
        var good = await h.RolloutGoodAsync();
        var before = h.Deployment!.Metadata.ResourceVersion;

        h.EditSpec(s => s.Engine.TensorParallelSize = 3);
        await h.ReconcileAsync();
        await h.ReconcileAsync();

        Assert.Equal(before, h.Deployment!.Metadata.ResourceVersion);
        Assert.Equal(good, h.DeployedRevision);
        Assert.Equal(h.Resource.Metadata.Generation, h.Condition(C.Valid).ObservedGeneration);
        Assert.Single(h.Events, e => e.Reason == "InvalidSpec");
    }

    [Fact]
    public async Task Reconcile_Should_CreateDeploymentServiceAndPendingRevision_When_FirstRollout()
    {
        using var h = new ReconcilerHarness();

        await h.ReconcileAsync();

        var revision = Assert.Single(h.Revisions);
        Assert.Equal(RevisionOutcome.Pending, revision.Outcome);
        Assert.Equal(revision.Hash, h.DeployedRevision);
        Assert.Equal(h.Resource.Metadata.Uid, revision.Object.Metadata.OwnerReferences.Single().Uid);
        Assert.Equal(h.Deployment!.Spec.Template.Spec.Containers[0].Image, revision.Template.Spec.Containers[0].Image);
        Assert.NotNull(h.Cluster.Read<V1Service>(ReconcilerHarness.Ns, ReconcilerHarness.Name));
        Assert.Equal(("True", "Progressing"), (h.Condition(C.Reconciling).Status, h.Condition(C.Reconciling).Reason));
        Assert.Equal("False", h.Condition(C.Ready).Status);
        Assert.Equal("Pending", h.Status.Phase);
        Assert.Equal(h.Resource.Metadata.Generation, h.Status.ObservedGeneration);
    }

    [Fact]
    public async Task Reconcile_Should_MarkRevisionGood_When_ProvenReplicasReadyForMinReadySeconds()
    {
        using var h = new ReconcilerHarness(s => s.Rollout.MinReadySeconds = 30);

        var waiting = await h.SettleAsync();
        Assert.Equal([$"tiny-{h.DeployedRevision}-0", $"tiny-{h.DeployedRevision}-1"], h.Prober.Calls.Select(c => c.Pod).Order());
        Assert.Equal(RevisionOutcome.Pending, h.RevisionOf(h.DeployedRevision!).Outcome);
        Assert.InRange(waiting.RequeueAfter!.Value, TimeSpan.FromSeconds(29), TimeSpan.FromSeconds(30));

        h.Clock.Advance(TimeSpan.FromSeconds(31));
        await h.ReconcileAsync();

        Assert.Equal(RevisionOutcome.Good, h.RevisionOf(h.DeployedRevision!).Outcome);
        Assert.Equal(2, h.Prober.Calls.Count); // each pod once: its condition records the proof
        var ready = h.Condition(C.Ready);
        Assert.Equal(("True", h.Resource.Metadata.Generation), (ready.Status, ready.ObservedGeneration));
        Assert.Equal(("False", "False"), (h.Condition(C.Reconciling).Status, h.Condition(C.Stalled).Status));
        Assert.Equal(("Ready", 2), (h.Status.Phase, h.Status.ReadyReplicas));
        Assert.Equal(h.DeployedRevision, h.Status.LastGoodRevision);
        Assert.Equal("http://tiny.ml.svc:8000/v1", h.Status.Endpoint);
        Assert.Contains(h.Events, e => e.Reason == "RevisionGood");
    }

    [Fact]
    public async Task Reconcile_Should_SendPromptNearMaxModelLen_When_Probing()
    {
        using var h = new ReconcilerHarness(s => s.Engine.MaxModelLen = 20000);

        await h.RolloutGoodAsync();

        var probe = h.Prober.Calls[0].Probe;
        Assert.Equal(20000 - LongContextProbe.GeneratedTokens, probe.PromptTokens);
        Assert.Equal(2, probe.ChunkBoundaries);
        Assert.All(probe.TokenIds(), id => Assert.InRange(id, 1, 511));
    }

    [Fact]
    public async Task Reconcile_Should_KeepRevisionPending_When_ProbeFails()
    {
        using var h = new ReconcilerHarness();
        h.Prober.Answer = _ => new ProbeResult(false, "HTTP 500: engine died");

        var result = await h.SettleAsync();

        Assert.Equal(RevisionOutcome.Pending, h.RevisionOf(h.DeployedRevision!).Outcome);
        Assert.Equal(ModelDeploymentReconciler.ProbeRetry, result.RequeueAfter);
        Assert.Equal("False", h.Condition(C.Ready).Status);
        Assert.Contains("engine died", h.Condition(C.Ready).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconcile_Should_RollOutNewRevision_When_TemplateChanges()
    {
        using var h = new ReconcilerHarness();
        var first = await h.RolloutGoodAsync();

        h.EditSpec(s => s.Engine.MaxModelLen = 2048);
        await h.ReconcileAsync();

        Assert.NotEqual(first, h.DeployedRevision);
        Assert.Equal([RevisionOutcome.Pending, RevisionOutcome.Good], h.Revisions.Select(r => r.Outcome));
        Assert.Equal([h.DeployedRevision!, first], h.Status.Revisions!.Select(r => r.Revision));
        Assert.Contains("2048", h.Deployment!.Spec.Template.Spec.Containers[0].Args);
        Assert.Equal("True", h.Condition(C.Reconciling).Status);
    }

    [Fact]
    public async Task Reconcile_Should_WriteNothing_When_StateIsConverged()
    {
        using var h = new ReconcilerHarness();
        await h.RolloutGoodAsync();
        await h.ReconcileAsync();
        var writes = h.Cluster.Writes.Count;
        var conditions = h.Status.Conditions!.Select(c => (c.Type, c.LastTransitionTime)).ToList();

        h.Clock.Advance(TimeSpan.FromMinutes(5));
        await h.ReconcileAsync();

        Assert.Equal(writes, h.Cluster.Writes.Count);
        Assert.Equal(conditions, h.Status.Conditions!.Select(c => (c.Type, c.LastTransitionTime)));
    }

    [Fact]
    public async Task Reconcile_Should_IgnoreServerDefaultsButRevertHandEdits_When_DeploymentChanged()
    {
        using var h = new ReconcilerHarness();
        await h.RolloutGoodAsync();
        h.Cluster.Mutate<V1Deployment>(ReconcilerHarness.Ns, ReconcilerHarness.Name, d =>
        {
            d.Spec.Template.Spec.Containers[0].ImagePullPolicy = "IfNotPresent";
            d.Spec.Template.Spec.DnsPolicy = "ClusterFirst";
        });
        var writes = h.Cluster.Writes.Count;
        await h.ReconcileAsync();
        Assert.Equal(writes, h.Cluster.Writes.Count);

        h.Cluster.Mutate<V1Deployment>(ReconcilerHarness.Ns, ReconcilerHarness.Name, d => d.Spec.Replicas = 7);
        await h.ReconcileAsync();

        Assert.Equal(2, h.Deployment!.Spec.Replicas);
    }

    [Fact]
    public async Task Reconcile_Should_ReReadAndReapply_When_WriteConflicts()
    {
        using var h = new ReconcilerHarness();
        await h.RolloutGoodAsync();
        h.EditSpec(s => s.Replicas = 3);
        int conflicts = 0;
        h.Cluster.BeforeWrite = write =>
        {
            if (write.StartsWith("replace Deployment", StringComparison.Ordinal) && conflicts++ == 0)
                h.Cluster.Mutate<V1Deployment>(ReconcilerHarness.Ns, ReconcilerHarness.Name, d => d.Metadata.Labels["someone"] = "else");
        };

        var result = await h.ReconcileAsync();

        Assert.True(result.Succeeded);
        Assert.Equal(3, h.Deployment!.Spec.Replicas);
        Assert.Equal("else", h.Deployment.Metadata.Labels["someone"]);
        Assert.Equal(2, h.Cluster.Writes.Count(w => w.StartsWith("replace Deployment", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Reconcile_Should_KeepHistoryWithinLimit_When_ManyRevisions()
    {
        using var h = new ReconcilerHarness(s => s.Rollout.RevisionHistoryLimit = 2);
        var good = await h.RolloutGoodAsync();

        foreach (var length in new[] { 3000, 2500, 2000 })
        {
            h.EditSpec(s => s.Engine.MaxModelLen = length);
            await h.ReconcileAsync();
        }

        Assert.Equal(2, h.Revisions.Count);
        Assert.Contains(h.Revisions, r => r.Hash == good);
        Assert.Contains(h.Revisions, r => r.Hash == h.DeployedRevision);
    }

    [Fact]
    public async Task Reconcile_Should_Revalidate_When_ConfigMapAppears()
    {
        using var h = new ReconcilerHarness(s =>
        {
            s.Model = new ModelSpec { Name = "acme/tiny", Config = new ModelConfigSource { ConfigMapKeyRef = new ConfigMapKeyReference { Name = "tiny-config" } } };
        });
        await h.ReconcileAsync();
        Assert.Equal("False", h.Condition(C.Valid).Status);

        var config = File.ReadAllText(RepositoryPaths.Of("engine", "Rules", "Catalog", "llmoperator--tiny-llama4.json"));
        h.Cluster.Put(new V1ConfigMap
        {
            ApiVersion = "v1", Kind = "ConfigMap",
            Metadata = new V1ObjectMeta { Name = "tiny-config", NamespaceProperty = ReconcilerHarness.Ns },
            Data = new Dictionary<string, string> { ["config.json"] = config },
        });
        await h.ReconcileAsync();

        Assert.Equal("True", h.Condition(C.Valid).Status);
        Assert.NotNull(h.Deployment);
    }

    [Fact]
    public async Task Reconcile_Should_DoNothing_When_ResourceIsBeingDeleted()
    {
        using var h = new ReconcilerHarness();
        var resource = h.Resource;
        resource.Metadata.DeletionTimestamp = DateTime.UtcNow;

        var result = await h.Reconciler.ReconcileAsync(resource, CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Empty(h.Cluster.Writes);
    }

    [Fact]
    public async Task Reconcile_Should_FailForRetry_When_ApiServerFails()
    {
        using var h = new ReconcilerHarness();
        h.Cluster.BeforeWrite = _ => throw ApiErrors.Http(HttpStatusCode.InternalServerError);

        await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => h.ReconcileAsync());
    }
}
