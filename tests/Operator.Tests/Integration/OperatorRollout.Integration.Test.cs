using System.Diagnostics;
using k8s;
using k8s.Models;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Reconciliation.DesiredState;
using LlmOperator.Operator.Reconciliation.Revisions;
using LlmOperator.Operator.Telemetry;
using LlmOperator.Operator.Tests.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using C = LlmOperator.Operator.Entities.ConditionTypes;

namespace LlmOperator.Operator.Tests.Integration;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LocalClusterCollection
{
    public const string Name = "local cluster";
}

/// <summary>The operator's `run` host on the local control plane: real API server, Deployment controller, kubelet, HTTP.</summary>
[Collection(LocalClusterCollection.Name)]
public sealed class OperatorRolloutIntegrationTests
{
    [Fact]
    public async Task Operator_Should_RollOutProbeAndRollBack_When_NewRevisionHitsDeviceAssert()
    {
        await using var env = await LocalOperatorCluster.StartAsync();
        var app = await env.StartOperatorAsync();
        await env.CreateAsync(LocalOperatorCluster.Tiny("tiny"));

        var ready = await env.WaitForConditionAsync("tiny", C.Ready);
        await AssertNoWriteOnReconcileAsync(env, app);
        var good = ready.Status!.CurrentRevision!;
        Assert.Equal((2, "Ready", good), (ready.Status.ReadyReplicas, ready.Status.Phase, ready.Status.LastGoodRevision));
        Assert.Equal("http://tiny.default.svc:8000/v1", ready.Status.Endpoint);
        var revisions = await env.Client.AppsV1.ListNamespacedControllerRevisionAsync(LocalOperatorCluster.Ns);
        Assert.Equal(RevisionOutcome.Good, new Revision(revisions.Items.Single()).Outcome);

        // A change whose engine asserts on its first request: the probe, before any client is trusted to it.
        var clock = Stopwatch.StartNew();
        await env.PatchSpecAsync("tiny", """{"engine":{"extraArgs":["--chaos-failure","device-assert"]}}""");
        var rolledBack = await env.WaitForConditionAsync("tiny", C.RolledBack);
        var reaction = clock.Elapsed;

        Assert.Equal(good, rolledBack.Status!.CurrentRevision);
        var failed = Assert.Single(rolledBack.Status.FailedRevisions!);
        Assert.Equal("GpuAssertion", failed.Reason);
        Assert.Equal(("True", "RolledBack"), Condition(rolledBack, C.Stalled));
        Assert.Contains("device-side assert", Conditions(rolledBack, C.Degraded).Message, StringComparison.Ordinal);
        var deployment = await env.Client.AppsV1.ReadNamespacedDeploymentAsync("tiny", LocalOperatorCluster.Ns);
        Assert.Equal(good, deployment.Spec.Template.Metadata.Labels[EngineLabels.Revision]);
        await env.UntilAsync(async () => (await env.Client.AppsV1.ReadNamespacedDeploymentAsync("tiny", LocalOperatorCluster.Ns)).Status?.ReadyReplicas == 2);
        var events = await env.Client.CoreV1.ListNamespacedEventAsync(LocalOperatorCluster.Ns, fieldSelector: "involvedObject.name=tiny,reason=RolledBack");
        Assert.Single(events.Items);
        Console.WriteLine($"rollback observed {reaction.TotalSeconds:0.0}s after the spec change");
    }

    [Fact]
    public async Task Operator_Should_ReportInvalidSpec_When_RulesRefuseIt()
    {
        await using var env = await LocalOperatorCluster.StartAsync();
        await env.StartOperatorAsync();
        var bad = LocalOperatorCluster.Tiny("bad");
        bad.Spec.Engine.TensorParallelSize = 3;
        await env.CreateAsync(bad);

        var stalled = await env.WaitForConditionAsync("bad", C.Stalled);

        Assert.Equal(("False", "InvalidSpec"), Condition(stalled, C.Valid));
        Assert.Equal("Invalid", stalled.Status!.Phase);
        var deployments = await env.Client.AppsV1.ListNamespacedDeploymentAsync(LocalOperatorCluster.Ns);
        Assert.Empty(deployments.Items);
        var events = await env.Client.CoreV1.ListNamespacedEventAsync(LocalOperatorCluster.Ns, fieldSelector: "involvedObject.name=bad,reason=InvalidSpec");
        Assert.Equal("Warning", events.Items.Single().Type);
    }

    /// <summary>
    /// Idempotency against a real API server, whose defaults (pull policy, DNS policy, protocols, clusterIP...) the
    /// operator's objects come back with: a reconcile of the converged resource writes nothing.
    /// </summary>
    private static async Task AssertNoWriteOnReconcileAsync(LocalOperatorCluster env, WebApplication app)
    {
        using var reconciles = new MeasurementRecorder(app.Services.GetRequiredService<OperatorMetrics>(), "llm_operator_reconciles");
        async Task<string> Versions() => string.Join(",",
            (await env.Client.AppsV1.ReadNamespacedDeploymentAsync("tiny", LocalOperatorCluster.Ns)).Metadata.ResourceVersion,
            (await env.Client.CoreV1.ReadNamespacedServiceAsync("tiny", LocalOperatorCluster.Ns)).Metadata.ResourceVersion,
            string.Join("/", (await env.Client.AppsV1.ListNamespacedControllerRevisionAsync(LocalOperatorCluster.Ns)).Items.Select(r => r.Metadata.ResourceVersion)));
        await env.UntilAsync(async () => (await env.Client.AppsV1.ReadNamespacedDeploymentAsync("tiny", LocalOperatorCluster.Ns)).Status?.AvailableReplicas == 2);
        await Task.Delay(500); // let the events of the last writes arrive and their reconciles finish
        var before = await Versions();
        var baseline = reconciles.Total(("result", "success"));

        // A metadata change: a reconcile, but nothing to do.
        var touched = await env.Client.CustomObjects.PatchNamespacedCustomObjectAsync<V1Alpha1ModelDeployment>(
            new V1Patch("""{"metadata":{"labels":{"touched":"yes"}}}""", V1Patch.PatchType.MergePatch), V1Alpha1ModelDeployment.Group,
            V1Alpha1ModelDeployment.Version, LocalOperatorCluster.Ns, V1Alpha1ModelDeployment.Plural, "tiny");
        await env.UntilAsync(() => Task.FromResult(reconciles.Total(("result", "success")) > baseline));

        Assert.Equal(before, await Versions());
        Assert.Equal(touched.Metadata.ResourceVersion, (await env.GetAsync("tiny")).Metadata.ResourceVersion);
    }

    private static (string, string) Condition(V1Alpha1ModelDeployment md, string type)
    {
        var c = Conditions(md, type);
        return (c.Status, c.Reason);
    }

    private static V1Condition Conditions(V1Alpha1ModelDeployment md, string type) => md.Status!.Conditions!.Single(c => c.Type == type);
}
