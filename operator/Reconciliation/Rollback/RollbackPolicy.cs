using LlmOperator.Operator.Failures;

namespace LlmOperator.Operator.Reconciliation.Rollback;

/// <summary>
/// Decides, from the current revision's pod failures, whether to keep going, recreate pods on other nodes, roll back,
/// or scale to zero. Pure. A bad node and a bad spec look alike in one pod; they differ across pods:
/// <list type="bullet">
/// <item>GPU hardware failures (Xid, ECC, fallen off the bus) are the node's, whatever their number;</item>
/// <item>failures of a listed class on two or more nodes condemn the revision;</item>
/// <item>failures confined to one node while the same revision is Ready on another node are that node's;</item>
/// <item>failures on one node with no healthy pod elsewhere (a one-node cluster, one replica) condemn the revision:
/// there is no evidence against the node, and a device assert is deterministic in the spec far more often.</item>
/// </list>
/// </summary>
public static class RollbackPolicy
{
    public static RollbackDecision Decide(RolloutObservation observation)
    {
        var hardware = observation.Failures.Where(f => f.Verdict.Class == PodFailureClass.GpuHardware).ToList();
        var listed = observation.Failures
            .Where(f => f.Verdict.Class != PodFailureClass.GpuHardware && observation.RollbackOn.Contains(f.Verdict.Class))
            .ToList();
        if (listed.Count >= observation.FailureThreshold && !ConfinedToHealthyNode(listed, observation.ReadyPodNodes))
        {
            return observation.LastGoodRevision is { } good && good != observation.CurrentRevision
                ? new RollbackDecision.RollBack(observation.CurrentRevision, good, listed[0], listed.Count)
                : new RollbackDecision.ScaleToZero(observation.CurrentRevision, listed[0], listed.Count);
        }
        var nodeFailures = hardware.Concat(listed).Where(f => f.Node is not null).ToList();
        if (nodeFailures.Count > 0)
        {
            var node = nodeFailures.GroupBy(f => f.Node!).OrderByDescending(g => g.Count()).First();
            if (hardware.Count > 0 || ConfinedToHealthyNode(listed, observation.ReadyPodNodes))
                return new RollbackDecision.RecreatePods(node.ToList(), node.Key);
        }
        return new RollbackDecision.Keep();
    }

    private static bool ConfinedToHealthyNode(IReadOnlyList<PodFailure> failures, IReadOnlyCollection<string> readyNodes)
    {
        var nodes = failures.Select(f => f.Node).Distinct().ToList();
        return nodes is [{ } only] && readyNodes.Any(n => n != only);
    }
}
