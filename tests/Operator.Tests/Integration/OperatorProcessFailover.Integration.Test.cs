using k8s;
using LlmOperator.Operator.Benchmark;
using LlmOperator.Operator.Reconciliation.DesiredState;
using LlmOperator.Operator.Runtime;
using C = LlmOperator.Operator.Entities.ConditionTypes;

namespace LlmOperator.Operator.Tests.Integration;

/// <summary>
/// Two operator processes (`run --leader-elect`) against the local control plane; the leader is SIGKILLed in the
/// middle of a rollout, so it neither finishes its reconcile nor releases the Lease. The standby must take over when
/// the Lease expires and bring the resource to the same end state, without a second copy of anything.
/// </summary>
[Collection(LocalClusterCollection.Name)]
public sealed class OperatorProcessFailoverIntegrationTests
{
    private static readonly string[] Elected = ["--leader-elect", "--namespace", LocalOperatorCluster.Ns, "--concurrency", "2"];

    [Fact]
    public async Task Standby_Should_FinishRolloutWithoutDuplicates_When_LeaderProcessIsKilled()
    {
        await using var env = await LocalOperatorCluster.StartAsync();
        using var a = OperatorProcess.Start(env.Cluster.KubeconfigPath, Elected);
        using var b = OperatorProcess.Start(env.Cluster.KubeconfigPath, Elected);
        await Task.WhenAll(a.WaitUntilServingAsync(TimeSpan.FromSeconds(60), default), b.WaitUntilServingAsync(TimeSpan.FromSeconds(60), default));
        await env.CreateAsync(LocalOperatorCluster.Tiny("tiny"));
        var first = (await env.WaitForConditionAsync("tiny", C.Ready)).Status!.CurrentRevision!;

        // minReadySeconds keeps the new revision unproven for a while after its pods are Ready: the kill lands mid-rollout.
        await env.PatchSpecAsync("tiny", """{"engine":{"maxModelLen":2048},"rollout":{"minReadySeconds":3}}""");
        await env.UntilAsync(async () => await TemplateRevisionAsync(env) != first);
        var (leader, standby) = await a.IsLeadingAsync(default) ? (a, b) : (b, a);
        var killedHolder = (await LeaseAsync(env)).Spec.HolderIdentity;
        Assert.False((await env.GetAsync("tiny")).Status!.Revisions!.Any(r => r.Revision != first && r.Outcome == "Good"), "the rollout finished before the kill");
        leader.Kill();

        var ready = await env.WaitForConditionAsync("tiny", C.Ready, TimeSpan.FromSeconds(60));
        await env.UntilAsync(async () => (await env.Client.AppsV1.ReadNamespacedDeploymentAsync("tiny", LocalOperatorCluster.Ns)).Status is
            { Replicas: 2, UpdatedReplicas: 2, ReadyReplicas: 2 });

        Assert.True(await standby.IsLeadingAsync(default));
        Assert.NotEqual(killedHolder, (await LeaseAsync(env)).Spec.HolderIdentity);
        var current = ready.Status!.CurrentRevision!;
        Assert.NotEqual(first, current);
        Assert.Equal(current, await TemplateRevisionAsync(env));
        Assert.Equal(current, ready.Status.LastGoodRevision);
        Assert.Single((await env.Client.AppsV1.ListNamespacedDeploymentAsync(LocalOperatorCluster.Ns)).Items);
        Assert.Single((await env.Client.CoreV1.ListNamespacedServiceAsync(LocalOperatorCluster.Ns, labelSelector: $"{EngineLabels.Instance}=tiny")).Items);
        var revisions = (await env.Client.AppsV1.ListNamespacedControllerRevisionAsync(LocalOperatorCluster.Ns)).Items;
        Assert.Equal(new[] { first, current }.Order(), revisions.Select(r => r.Metadata.Labels[EngineLabels.Revision]).Order());
        var pods = (await env.Client.CoreV1.ListNamespacedPodAsync(LocalOperatorCluster.Ns, labelSelector: $"{EngineLabels.Instance}=tiny")).Items
            .Where(p => p.Metadata.DeletionTimestamp is null).ToList();
        Assert.Equal(2, pods.Count);
        Assert.All(pods, p => Assert.Equal(current, p.Metadata.Labels[EngineLabels.Revision]));
    }

    private static async Task<string> TemplateRevisionAsync(LocalOperatorCluster env) =>
        (await env.Client.AppsV1.ReadNamespacedDeploymentAsync("tiny", LocalOperatorCluster.Ns)).Spec.Template.Metadata.Labels[EngineLabels.Revision];

    private static Task<k8s.Models.V1Lease> LeaseAsync(LocalOperatorCluster env) =>
        env.Client.CoordinationV1.ReadNamespacedLeaseAsync(new OperatorOptions().LeaseName, LocalOperatorCluster.Ns);
}
