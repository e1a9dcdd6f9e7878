using k8s.Models;
using LlmOperator.LocalCluster.Controllers.Endpoints;

namespace LlmOperator.LocalCluster.Tests.Controllers.Endpoints;

public sealed class EndpointSubsetsTests
{
    [Fact]
    public void Build_Should_ResolveNamedTargetPortsAndUseTheHostPortAnnotation()
    {
        var service = Service(new V1ServicePort { Name = "api", Port = 80, TargetPort = "http" });
        var pods = new[] { Pod("a", ready: true, hostPort: 31001), Pod("b", ready: true, hostPort: 31002) };

        var subsets = EndpointSubsets.Build(service, pods);

        Assert.Equal(2, subsets.Count);
        Assert.Equal([31001, 31002], subsets.Select(s => s.Ports.Single().Port).Order());
        Assert.All(subsets, s => Assert.Equal(("api", "TCP"), (s.Ports.Single().Name, s.Ports.Single().Protocol)));
    }

    [Fact]
    public void Build_Should_UseTheContainerPort_When_NoHostPortIsRecorded_And_GroupEqualPorts()
    {
        var service = Service(new V1ServicePort { Port = 8000 });
        var subsets = EndpointSubsets.Build(service, [Pod("a", ready: true), Pod("b", ready: false), Pod("c", ready: true)]);

        var subset = Assert.Single(subsets);
        Assert.Equal(8000, subset.Ports.Single().Port);
        Assert.Equal(["a", "c"], subset.Addresses.Select(a => a.TargetRef.Name));
        Assert.Equal(["b"], subset.NotReadyAddresses.Select(a => a.TargetRef.Name));
    }

    [Fact]
    public void Build_Should_ListGatedPodAsNotReady_When_ContainersReadyButGateNotTrue()
    {
        var gated = Pod("gated", ready: false);
        gated.Spec.ReadinessGates = [new V1PodReadinessGate { ConditionType = "inference.llmoperator.dev/proven" }];
        gated.Status.Conditions =
        [
            new V1PodCondition { Type = "ContainersReady", Status = "True" },
            new V1PodCondition { Type = "Ready", Status = "False", Reason = "ReadinessGatesNotReady" },
        ];

        var subset = Assert.Single(EndpointSubsets.Build(Service(new V1ServicePort { Port = 8000 }), [gated, Pod("open", ready: true)]));

        Assert.Equal(["open"], subset.Addresses.Select(a => a.TargetRef.Name));
        Assert.Equal(["gated"], subset.NotReadyAddresses.Select(a => a.TargetRef.Name));
    }

    [Fact]
    public void Build_Should_SkipPodsWithoutIpFinishedOrTerminating_And_PodsLackingTheNamedPort()
    {
        var service = Service(new V1ServicePort { Port = 80, TargetPort = "metrics" });
        var noIp = Pod("no-ip", ready: false);
        noIp.Status.PodIP = null;
        var failed = Pod("failed", ready: false);
        failed.Status.Phase = "Failed";
        var terminating = Pod("terminating", ready: true);
        terminating.Metadata.DeletionTimestamp = DateTime.UtcNow;
        var withMetrics = Pod("metrics", ready: true);
        withMetrics.Spec.Containers[0].Ports.Add(new V1ContainerPort { Name = "metrics", ContainerPort = 9090 });

        var subset = Assert.Single(EndpointSubsets.Build(service, [noIp, failed, terminating, Pod("plain", ready: true), withMetrics]));

        Assert.Equal(["metrics"], subset.Addresses.Select(a => a.TargetRef.Name));
        Assert.Equal(9090, subset.Ports.Single().Port);
        Assert.Null(subset.NotReadyAddresses);
    }

    [Fact]
    public void Build_Should_ListUnreadyPodsAsReady_When_ThePublishNotReadyAddressesIsSet()
    {
        var service = Service(new V1ServicePort { Port = 8000 });
        service.Spec.PublishNotReadyAddresses = true;

        var subset = Assert.Single(EndpointSubsets.Build(service, [Pod("a", ready: false)]));

        Assert.Equal("a", subset.Addresses.Single().TargetRef.Name);
    }

    private static V1Service Service(V1ServicePort port) => new()
    {
        Metadata = new V1ObjectMeta { Name = "svc", NamespaceProperty = "default" },
        Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "web" }, Ports = [port] },
    };

    private static V1Pod Pod(string name, bool ready, int? hostPort = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name, NamespaceProperty = "default", Uid = $"uid-{name}",
            Annotations = hostPort is null ? null : new Dictionary<string, string> { [EndpointSubsets.HostPortAnnotationPrefix + "8000"] = hostPort.ToString()! },
        },
        Spec = new V1PodSpec
        {
            Containers = [new V1Container { Name = "main", Ports = [new V1ContainerPort { Name = "http", ContainerPort = 8000 }] }],
        },
        Status = new V1PodStatus
        {
            Phase = "Running", PodIP = "127.0.0.1",
            Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }],
        },
    };
}
