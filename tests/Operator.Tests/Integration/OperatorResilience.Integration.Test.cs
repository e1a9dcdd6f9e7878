using k8s;
using LlmOperator.LocalCluster.Faults;
using LlmOperator.Operator.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using C = LlmOperator.Operator.Entities.ConditionTypes;

namespace LlmOperator.Operator.Tests.Integration;

/// <summary>Operator replicas with leader election, and an API server that fails, on the local control plane.</summary>
[Collection(LocalClusterCollection.Name)]
public sealed class OperatorResilienceIntegrationTests
{
    private static OperatorOptions Elected(string identity) => new()
    {
        MetricsPort = 0, Concurrency = 2, LeaderElect = true, LeaseNamespace = LocalOperatorCluster.Ns, Identity = identity,
        LeaseDuration = TimeSpan.FromSeconds(2), RenewDeadline = TimeSpan.FromSeconds(1), RetryPeriod = TimeSpan.FromMilliseconds(200),
    };

    private static bool Leading(WebApplication app) => app.Services.GetRequiredService<LeaderElectionService>().IsLeading;

    [Fact]
    public async Task Standby_Should_TakeOverWithoutDuplicates_When_LeaderStops()
    {
        await using var env = await LocalOperatorCluster.StartAsync();
        var a = await env.StartOperatorAsync(Elected("operator-a"));
        var b = await env.StartOperatorAsync(Elected("operator-b"));
        await env.UntilAsync(() => Task.FromResult(Leading(a) || Leading(b)));
        Assert.False(Leading(a) && Leading(b));
        await env.CreateAsync(LocalOperatorCluster.Tiny("tiny"));
        var first = (await env.WaitForConditionAsync("tiny", C.Ready)).Status!.CurrentRevision;

        var (leader, standby) = Leading(a) ? (a, b) : (b, a);
        await env.StopOperatorAsync(leader);
        await env.PatchSpecAsync("tiny", """{"engine":{"maxModelLen":2048}}""");
        var ready = await env.WaitForConditionAsync("tiny", C.Ready);

        Assert.True(Leading(standby));
        Assert.NotEqual(first, ready.Status!.CurrentRevision);
        Assert.Single((await env.Client.AppsV1.ListNamespacedDeploymentAsync(LocalOperatorCluster.Ns)).Items);
        Assert.Single((await env.Client.CoreV1.ListNamespacedServiceAsync(LocalOperatorCluster.Ns, labelSelector: "app.kubernetes.io/instance=tiny")).Items);
        Assert.Equal(2, (await env.Client.AppsV1.ListNamespacedControllerRevisionAsync(LocalOperatorCluster.Ns)).Items.Count);
        var lease = await env.Client.CoordinationV1.ReadNamespacedLeaseAsync(new OperatorOptions().LeaseName, LocalOperatorCluster.Ns);
        Assert.Equal(standby == a ? "operator-a" : "operator-b", lease.Spec.HolderIdentity);
    }

    [Fact]
    public async Task Operator_Should_ReachSameEndState_When_ApiServerInjectsFaults()
    {
        await using var env = await LocalOperatorCluster.StartAsync();
        env.Cluster.Faults.Rules =
        [
            new FaultRule(["update", "create", "patch"], []) { ConflictRate = 0.3, ServerErrorRate = 0.2 },
            new FaultRule(["get", "list"], []) { ServerErrorRate = 0.2 },
            new FaultRule(["watch"], []) { WatchCutRate = 0.3 },
        ];
        env.Cluster.Faults.Enabled = true;
        await env.StartOperatorAsync();

        // The test's own client meets the faults too: create until the resource exists (409/500 are answers to retry).
        await env.UntilAsync(async () =>
        {
            await env.CreateAsync(LocalOperatorCluster.Tiny("tiny")).ContinueWith(_ => { }, TaskScheduler.Default);
            return await TryGetAsync(env) is not null;
        });
        var ready = await WaitReadyThroughFaultsAsync(env);

        var counts = env.Cluster.Faults.Counts;
        env.Cluster.Faults.Enabled = false;
        Assert.Equal(2, ready.Status!.ReadyReplicas);
        Assert.Single((await env.Client.AppsV1.ListNamespacedDeploymentAsync(LocalOperatorCluster.Ns)).Items);
        Assert.Single((await env.Client.AppsV1.ListNamespacedControllerRevisionAsync(LocalOperatorCluster.Ns)).Items);
        Assert.True(counts.Values.Sum() > 0, "no fault was injected");
    }

    private static async Task<LlmOperator.Operator.Entities.V1Alpha1ModelDeployment?> TryGetAsync(LocalOperatorCluster env)
    {
        try
        {
            return await env.GetAsync("tiny");
        }
        catch (k8s.Autorest.HttpOperationException)
        {
            return null;
        }
    }

    /// <summary>`kubectl wait` retries its reads too: a 500 from the faulty server is not an answer.</summary>
    private static async Task<LlmOperator.Operator.Entities.V1Alpha1ModelDeployment> WaitReadyThroughFaultsAsync(LocalOperatorCluster env)
    {
        LlmOperator.Operator.Entities.V1Alpha1ModelDeployment? md = null;
        await env.UntilAsync(async () =>
        {
            md = await TryGetAsync(env);
            var ready = md?.Status?.Conditions?.FirstOrDefault(c => c.Type == C.Ready);
            return ready?.Status == "True" && ready.ObservedGeneration >= md!.Metadata.Generation;
        }, TimeSpan.FromSeconds(90));
        return md!;
    }
}
