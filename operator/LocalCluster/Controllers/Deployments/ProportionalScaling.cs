using k8s.Models;

namespace LlmOperator.LocalCluster.Controllers.Deployments;

/// <summary>
/// Resizing a Deployment in the middle of a rollout (sync.go scale()): the extra or missing
/// replicas are spread over the active ReplicaSets in proportion to their size, so that neither
/// the old nor the new template wins by the resize alone. Leftovers from rounding go to the first
/// set in order (largest; newest when growing, oldest when shrinking).
/// </summary>
internal static class ProportionalScaling
{
    /// <param name="active">ReplicaSets with spec.replicas &gt; 0.</param>
    /// <param name="statusReplicas">The Deployment's status.replicas (used when a set has no max-replicas annotation).</param>
    public static Dictionary<string, int> Plan(V1Deployment d, IReadOnlyList<ReplicaSetCounts> active, int statusReplicas)
    {
        var replicas = DeploymentSpec.Replicas(d);
        var allowed = replicas > 0 ? replicas + RolloutMath.MaxSurge(d) : 0;
        var toAdd = allowed - active.Sum(r => r.Replicas);
        var ordered = toAdd > 0
            ? active.OrderByDescending(r => r.Replicas).ThenByDescending(r => r.Created).ToList()
            : active.OrderByDescending(r => r.Replicas).ThenBy(r => r.Created).ToList();
        var plan = new Dictionary<string, int>(StringComparer.Ordinal);
        var added = 0;
        foreach (var rs in ordered)
        {
            var proportion = Proportion(rs, d, toAdd, added, statusReplicas);
            plan[rs.Name] = rs.Replicas + proportion;
            added += proportion;
        }

        if (ordered.Count > 0 && toAdd != 0)
        {
            var first = ordered[0].Name;
            plan[first] = Math.Max(0, plan[first] + toAdd - added);
        }

        return plan;
    }

    private static int Proportion(ReplicaSetCounts rs, V1Deployment d, int toAdd, int added, int statusReplicas)
    {
        if (rs.Replicas == 0 || toAdd == 0 || toAdd == added) return 0;
        var fraction = Fraction(rs, d, statusReplicas);
        var allowed = toAdd - added;
        return toAdd > 0 ? Math.Min(fraction, allowed) : Math.Max(fraction, allowed);
    }

    /// <summary>The set's share of the new size minus its current size (getReplicaSetFraction).</summary>
    private static int Fraction(ReplicaSetCounts rs, V1Deployment d, int statusReplicas)
    {
        var replicas = DeploymentSpec.Replicas(d);
        if (replicas == 0) return -rs.Replicas;
        var deploymentReplicas = replicas + RolloutMath.MaxSurge(d);
        var annotated = rs.MaxReplicas ?? statusReplicas;
        if (annotated <= 0) return 0;
        var newSize = (double)rs.Replicas * deploymentReplicas / annotated;
        return (int)Math.Round(newSize, MidpointRounding.AwayFromZero) - rs.Replicas;
    }
}
