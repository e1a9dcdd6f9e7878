using k8s.Models;
using LlmOperator.LocalCluster.Scheduling;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Tests.Scheduling;

public sealed class PodSchedulerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Schedule_Should_LeavePodPendingWithReason_When_ItAsksForMoreGpusThanANodeHas()
    {
        var store = new ObjectStore();
        LocalNodes.Register(store, new LocalNodeOptions { GpusPerNode = 1 });
        await using var scheduler = new PodScheduler(store);
        await scheduler.StartAsync(CancellationToken.None);

        store.Create(BuiltInTypes.Pods, GpuPod("greedy", gpus: 2));
        var pending = await WaitAsync(store, "greedy", p => p.Status?.Conditions?.Any(c => c.Type == "PodScheduled") == true);

        Assert.Null(pending.Spec.NodeName);
        Assert.Equal("Pending", pending.Status.Phase);
        var scheduled = pending.Status.Conditions.Single(c => c.Type == "PodScheduled");
        Assert.Equal("False", scheduled.Status);
        Assert.Equal("Unschedulable", scheduled.Reason);
        Assert.Equal("0/1 nodes are available: 1 Insufficient nvidia.com/gpu.", scheduled.Message);
        var failed = store.List<Corev1Event>(BuiltInTypes.Events, "default").Single(e => e.InvolvedObject.Name == "greedy");
        Assert.Equal(("Warning", "FailedScheduling", scheduled.Message), (failed.Type, failed.Reason, failed.Message));
    }

    [Fact]
    public async Task Schedule_Should_BindPendingPod_When_GpusAreFreed()
    {
        var store = new ObjectStore();
        LocalNodes.Register(store, new LocalNodeOptions { Count = 2, GpusPerNode = 2 });
        await using var scheduler = new PodScheduler(store);
        await scheduler.StartAsync(CancellationToken.None);

        store.Create(BuiltInTypes.Pods, GpuPod("first", gpus: 2));
        store.Create(BuiltInTypes.Pods, GpuPod("second", gpus: 2));
        var first = await WaitAsync(store, "first", p => p.Spec.NodeName is not null);
        var second = await WaitAsync(store, "second", p => p.Spec.NodeName is not null);
        Assert.NotEqual(first.Spec.NodeName, second.Spec.NodeName); // 2 GPUs each: one pod per node
        Assert.Equal("True", first.Status.Conditions.Single(c => c.Type == "PodScheduled").Status);

        store.Create(BuiltInTypes.Pods, GpuPod("third", gpus: 1));
        var waiting = await WaitAsync(store, "third", p => p.Status?.Conditions?.Any(c => c.Reason == "Unschedulable") == true);
        Assert.Equal("0/2 nodes are available: 2 Insufficient nvidia.com/gpu.", waiting.Status.Conditions.Single().Message);

        store.Delete(BuiltInTypes.Pods, "default", "first");
        var third = await WaitAsync(store, "third", p => p.Spec.NodeName is not null);
        Assert.Equal(first.Spec.NodeName, third.Spec.NodeName);
        Assert.Equal("True", third.Status.Conditions.Single(c => c.Type == "PodScheduled").Status);
    }

    [Fact]
    public async Task Schedule_Should_AvoidCordonedNode_When_AnotherNodeFits()
    {
        var store = new ObjectStore();
        LocalNodes.Register(store, new LocalNodeOptions { Count = 2, GpusPerNode = 1 });
        var cordoned = store.Get<V1Node>(BuiltInTypes.Nodes, null, "local-node-1")!;
        cordoned.Spec.Unschedulable = true;
        store.Update(BuiltInTypes.Nodes, cordoned);
        await using var scheduler = new PodScheduler(store);
        await scheduler.StartAsync(CancellationToken.None);

        store.Create(BuiltInTypes.Pods, GpuPod("moved", gpus: 1));
        store.Create(BuiltInTypes.Pods, GpuPod("stuck", gpus: 1));

        Assert.Equal("local-node-2", (await WaitAsync(store, "moved", p => p.Spec.NodeName is not null)).Spec.NodeName);
        var stuck = await WaitAsync(store, "stuck", p => p.Status?.Conditions?.Any(c => c.Reason == "Unschedulable") == true);
        Assert.Equal("0/2 nodes are available: 1 Insufficient nvidia.com/gpu, 1 node(s) were unschedulable.", stuck.Status.Conditions.Single().Message);
    }

    private static V1Pod GpuPod(string name, int gpus) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Spec = new V1PodSpec
        {
            Containers =
            [
                new V1Container
                {
                    Name = "engine", Image = "ghcr.io/llmoperator/engine:test",
                    Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["nvidia.com/gpu"] = new(gpus.ToString()) } },
                },
            ],
        },
    };

    private static async Task<V1Pod> WaitAsync(ObjectStore store, string name, Func<V1Pod, bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var pod = store.Get<V1Pod>(BuiltInTypes.Pods, "default", name);
            if (pod is not null && condition(pod)) return pod;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"pod {name}: {k8s.KubernetesJson.Serialize(pod)}");
            await Task.Delay(20);
        }
    }
}
