using LlmOperator.LocalCluster.Scheduling;

namespace LlmOperator.LocalCluster.Tests.Scheduling;

public sealed class NodeFitTests
{
    [Fact]
    public void Choose_Should_PickLeastAllocatedNode_When_SeveralFit()
    {
        var result = NodeFit.Choose(Demand(1), [Node("a", gpus: 8, used: 6), Node("b", gpus: 8, used: 2), Node("c", gpus: 8, used: 2)]);

        Assert.Equal("b", result.Node);
    }

    [Fact]
    public void Choose_Should_ReportEveryReasonSorted_When_NoNodeFits()
    {
        var nodes = new[]
        {
            Node("full", gpus: 1, used: 1),
            Node("cordoned", gpus: 8) with { Unschedulable = true },
            Node("down", gpus: 8) with { Ready = false },
            Node("crowded", gpus: 0, pods: 10, maxPods: 10),
        };

        var result = NodeFit.Choose(Demand(1), nodes);

        Assert.False(result.Scheduled);
        // "crowded" fails on two resources at once; kube-scheduler counts both.
        Assert.Equal(
            "0/4 nodes are available: 1 Too many pods, 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, " +
            "1 node(s) were unschedulable, 2 Insufficient nvidia.com/gpu.",
            result.Message);
    }

    [Fact]
    public void Choose_Should_HonourNodeSelector_When_LabelsDiffer()
    {
        var labelled = Node("gpu-a100", gpus: 8) with { Labels = new Dictionary<string, string> { ["gpu"] = "a100" } };
        var demand = new PodDemand(1, new Dictionary<string, string> { ["gpu"] = "a100" }, false);

        Assert.Equal("gpu-a100", NodeFit.Choose(demand, [Node("plain", gpus: 8), labelled]).Node);
        Assert.Equal("0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.", NodeFit.Choose(demand, [Node("plain", gpus: 8)]).Message);
    }

    [Fact]
    public void Choose_Should_SayNoNodes_When_ClusterHasNone() =>
        Assert.Equal("no nodes available to schedule pods", NodeFit.Choose(Demand(0), []).Message);

    private static PodDemand Demand(long gpus) => new(gpus, null, false);

    private static NodeSnapshot Node(string name, long gpus, long used = 0, int pods = 0, long maxPods = 110) =>
        new(name, gpus, maxPods, Unschedulable: false, Ready: true, new Dictionary<string, string>(), used, pods);
}
