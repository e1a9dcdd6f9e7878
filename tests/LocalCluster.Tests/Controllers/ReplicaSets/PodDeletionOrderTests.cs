using k8s.Models;
using LlmOperator.LocalCluster.Controllers.ReplicaSets;

namespace LlmOperator.LocalCluster.Tests.Controllers.ReplicaSets;

public sealed class PodDeletionOrderTests
{
    private static readonly DateTime T0 = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Pick_Should_PreferUnscheduledPendingUnreadyRecentlyReadyRestartedAndNewerPods()
    {
        var pods = new[]
        {
            Pod("old-ready", "Running", readySince: T0, created: T0),
            Pod("newer-ready", "Running", readySince: T0, created: T0.AddMinutes(1)),
            Pod("recently-ready", "Running", readySince: T0.AddMinutes(5), created: T0),
            Pod("restarted", "Running", readySince: T0, created: T0, restarts: 3),
            Pod("not-ready", "Running", readySince: null, created: T0),
            Pod("pending", "Pending", readySince: null, created: T0),
            Pod("unscheduled", "Pending", readySince: null, created: T0, node: null),
        };

        var order = PodDeletionOrder.Pick(pods.Reverse(), pods.Length).Select(p => p.Metadata.Name);

        Assert.Equal(["unscheduled", "pending", "not-ready", "recently-ready", "restarted", "newer-ready", "old-ready"], order);
    }

    private static V1Pod Pod(string name, string phase, DateTime? readySince, DateTime created, int restarts = 0, string? node = "local") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, CreationTimestamp = created },
        Spec = new V1PodSpec { NodeName = node },
        Status = new V1PodStatus
        {
            Phase = phase,
            Conditions = [new V1PodCondition { Type = "Ready", Status = readySince is null ? "False" : "True", LastTransitionTime = readySince ?? created }],
            ContainerStatuses = [new V1ContainerStatus { Name = "main", RestartCount = restarts }],
        },
    };
}
