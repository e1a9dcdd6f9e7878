using System.Text.Json.Nodes;
using k8s.Models;
using LlmOperator.LocalCluster.Kubelet;
using LlmOperator.LocalCluster.Kubelet.Pods;
using LlmOperator.LocalCluster.Scheduling;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Tests.Kubelet;

/// <summary>Pod readiness gates (KEP-580): Ready needs ready containers and every gate's condition True.</summary>
public sealed class ReadinessGateTests
{
    private const string Gate = "inference.llmoperator.dev/proven";

    [Fact]
    public async Task RunPod_Should_BecomeReadyOnlyWhenGateConditionIsTrue_When_PodHasReadinessGate()
    {
        await using var cluster = await KubeletHarness.StartAsync();
        var pod = KubeletHarness.ShellPod("gated", "exec sleep 30");
        pod.Spec.ReadinessGates = [new V1PodReadinessGate { ConditionType = Gate }];
        cluster.Create(pod);

        var waiting = await cluster.WaitAsync("gated", p => KubeletHarness.Condition(p, "ContainersReady"), "ContainersReady");
        var ready = waiting.Status.Conditions.Single(c => c.Type == "Ready");
        Assert.Equal(("False", "ReadinessGatesNotReady"), (ready.Status, ready.Reason));
        Assert.Equal($"corresponding condition of pod readiness gate \"{Gate}\" does not exist.", ready.Message);

        SetGate(cluster.Store, "gated", "True");
        var opened = await cluster.WaitAsync("gated", p => KubeletHarness.Condition(p, "Ready"), "Ready");
        Assert.Equal("True", opened.Status.Conditions.Single(c => c.Type == Gate).Status);

        SetGate(cluster.Store, "gated", "False");
        var closed = await cluster.WaitAsync("gated", p => !KubeletHarness.Condition(p, "Ready"), "unready again");
        Assert.Equal($"the status of pod readiness gate \"{Gate}\" is not \"True\", but False",
            closed.Status.Conditions.Single(c => c.Type == "Ready").Message);
    }

    [Fact]
    public async Task RunPod_Should_KeepGateCondition_When_KubeletRewritesStatus()
    {
        await using var cluster = await KubeletHarness.StartAsync(new KubeletOptions
        {
            CrashLoopBackOffInitial = TimeSpan.FromMilliseconds(200),
            ShutdownGracePeriod = TimeSpan.FromSeconds(2),
        });
        // The container exits after a while and is restarted: the kubelet writes the status again and again.
        var pod = KubeletHarness.ShellPod("restarting", "sleep 1; exit 3");
        pod.Spec.ReadinessGates = [new V1PodReadinessGate { ConditionType = Gate }];
        cluster.Create(pod);
        await cluster.WaitAsync("restarting", p => KubeletHarness.Condition(p, "ContainersReady"), "ContainersReady");
        SetGate(cluster.Store, "restarting", "True");

        var restarted = await cluster.WaitAsync("restarting", p => KubeletHarness.Container(p).RestartCount >= 1, "restarted");

        Assert.Equal("True", restarted.Status.Conditions.Single(c => c.Type == Gate).Status);
        var ready = await cluster.WaitAsync("restarting", p => KubeletHarness.Condition(p, "Ready"), "Ready after the restart");
        Assert.True(KubeletHarness.Condition(ready, Gate));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("False", false)]
    [InlineData("True", true)]
    public void Apply_Should_MakeReadyFollowGate_When_ContainersAreReady(string? gate, bool ready)
    {
        var pod = new JsonObject
        {
            ["spec"] = new JsonObject { ["readinessGates"] = new JsonArray(new JsonObject { ["conditionType"] = Gate }) },
            ["status"] = new JsonObject(),
        };
        if (gate is not null) PodConditions.Set((JsonObject)pod["status"]!, Gate, gate == "True", null, null, DateTime.UtcNow);
        var running = new V1ContainerStatus
        {
            Name = "main", Ready = true, State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = DateTime.UtcNow } },
        };

        PodStatusBuilder.Apply(pod, [], [running], "Always", sandboxReady: true, DateTime.UtcNow);

        Assert.Equal("True", PodConditions.Status(pod, "ContainersReady"));
        Assert.Equal(ready ? "True" : "False", PodConditions.Status(pod, "Ready"));
        Assert.Equal(gate, PodConditions.Status(pod, Gate));
    }

    /// <summary>What the operator's strategic merge patch of pods/status does: one condition set, the rest kept.</summary>
    private static void SetGate(ObjectStore store, string name, string value) =>
        StoreMutation.Mutate(store, BuiltInTypes.Pods, KubeletHarness.Namespace, name, ObjectStore.UpdateScope.Status,
            pod => PodConditions.Set(StoreMutation.Child(pod, "status"), Gate, value == "True", "Test", null, DateTime.UtcNow));
}
