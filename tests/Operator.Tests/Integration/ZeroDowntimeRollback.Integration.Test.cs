using k8s;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Reconciliation.DesiredState;
using LlmOperator.Operator.Reconciliation.Probing;
using Xunit.Abstractions;
using C = LlmOperator.Operator.Entities.ConditionTypes;

namespace LlmOperator.Operator.Tests.Integration;

/// <summary>
/// Issue 6's end-to-end check (3), with real engine processes: two replicas of the tiny Llama 4 serve clients through
/// the Service while a spec change whose engine hits a device-side assert rolls out. The new pod waits behind its
/// readiness gate, asserts on the operator's long-context probe, and the operator puts the good revision back; the
/// clients, which only ever reach proven pods and old pods that drain gracefully, see no failure.
/// </summary>
[Collection(LocalClusterCollection.Name)]
public sealed class ZeroDowntimeRollbackIntegrationTests(ITestOutputHelper output)
{
    /// <summary>Bound on each wait: engines load the model on a shared, loaded 2-core machine.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    /// <summary>A small CPU KV cache: three engines at once on a test machine (the default is 1 GiB each).</summary>
    private static readonly string[] Small = ["--cpu-kv-cache-space", "0.05"];

    [Fact]
    public async Task Operator_Should_RollBackWithoutFailingClientRequests_When_NewRevisionHitsDeviceAssertUnderLoad()
    {
        using var cache = await TinyModelCache.CreateAsync();
        await using var env = await LocalOperatorCluster.StartAsync(cache.Path);
        await env.StartOperatorAsync();
        var md = LocalOperatorCluster.Tiny("tiny");
        md.Spec.Engine.ExtraArgs = [.. Small];
        await env.CreateAsync(md);
        var good = (await env.WaitForConditionAsync("tiny", C.Ready, Patience)).Status!.CurrentRevision!;
        await AssertPodsProvenAsync(env, good);

        using var timeline = RolloutTimeline.Start(env.Cluster.Store, LocalOperatorCluster.Ns, "tiny", good);
        var clients = ServiceClientLoop.Start(await env.ServiceUrlAsync("tiny"), TinyModelCache.Model);
        await using (clients)
        {
            await clients.UntilMoreSucceededAsync(10, Patience);
            // The engine's chaos flags: its first /v1 request (the operator's probe) raises CUDA's device-side assert.
            var extraArgs = KubernetesJson.Serialize(Small.Concat(["--chaos-failure", "device-assert"]).ToArray());
            await env.PatchSpecAsync("tiny", "{\"engine\":{\"extraArgs\":" + extraArgs + "}}");
            var rolledBack = await env.WaitForConditionAsync("tiny", C.RolledBack, Patience);
            Assert.Equal(("True", "RolledBack"), Condition(rolledBack, C.Stalled));
            Assert.Equal("GpuAssertion", Assert.Single(rolledBack.Status!.FailedRevisions!).Reason);
            // Back to two proven replicas of the good revision, the failed revision's pod gone, clients still served.
            await env.UntilAsync(async () => await ServingAgainAsync(env, good), Patience);
            await clients.UntilMoreSucceededAsync(10, Patience);
        }

        Report(clients, timeline);
        var deployment = await env.Client.AppsV1.ReadNamespacedDeploymentAsync("tiny", LocalOperatorCluster.Ns);
        Assert.Equal(good, deployment.Spec.Template.Metadata.Labels[EngineLabels.Revision]);
        Assert.True(clients.Failed == 0, $"{clients.Failed} of {clients.Failed + clients.Succeeded} client requests failed: {string.Join(" | ", clients.Failures)}");
        Assert.NotNull(timeline.FirstFailure);
        Assert.NotNull(timeline.RollbackWrite);
    }

    private static async Task AssertPodsProvenAsync(LocalOperatorCluster env, string revision)
    {
        var pods = await env.Client.CoreV1.ListNamespacedPodAsync(LocalOperatorCluster.Ns, labelSelector: $"{EngineLabels.Revision}={revision}");
        Assert.Equal(2, pods.Items.Count);
        Assert.All(pods.Items, p => Assert.Contains(p.Status.Conditions, c => c.Type == ProvenGate.ConditionType && c.Status == "True"));
        Assert.All(pods.Items, p => Assert.Equal(ProvenGate.ConditionType, Assert.Single(p.Spec.ReadinessGates).ConditionType));
    }

    private static async Task<bool> ServingAgainAsync(LocalOperatorCluster env, string good)
    {
        var status = (await env.Client.AppsV1.ReadNamespacedDeploymentAsync("tiny", LocalOperatorCluster.Ns)).Status;
        var pods = await env.Client.CoreV1.ListNamespacedPodAsync(LocalOperatorCluster.Ns, labelSelector: $"{EngineLabels.Instance}=tiny");
        return status?.AvailableReplicas == 2 && pods.Items.All(p => p.Metadata.Labels[EngineLabels.Revision] == good && p.Metadata.DeletionTimestamp is null);
    }

    private void Report(ServiceClientLoop clients, RolloutTimeline timeline)
    {
        var failure = timeline.FirstFailure;
        var lines = new[]
        {
            $"client requests through the Service: {clients.Succeeded} succeeded, {clients.Failed} failed",
            failure is { } f ? $"first failing pod: {f.Pod}, {f.Termination}, stored at {f.At.TotalSeconds:0.000}s" : "no failing pod seen",
            $"rollback write (Deployment template back to the good revision) at {timeline.RollbackWrite?.TotalSeconds.ToString("0.000") ?? "-"}s",
            $"reaction time, failure stored -> rollback write: {timeline.ReactionTime?.TotalMilliseconds.ToString("0") ?? "-"} ms (target: under 2000 ms)",
        };
        foreach (var line in lines.Concat(clients.Failures))
        {
            output.WriteLine(line);
            Console.WriteLine(line);
        }
    }

    private static (string, string) Condition(V1Alpha1ModelDeployment md, string type)
    {
        var condition = md.Status!.Conditions!.Single(c => c.Type == type);
        return (condition.Status, condition.Reason);
    }
}
