using System.Globalization;
using k8s.Models;

namespace LlmOperator.LocalCluster.Controllers.Deployments;

/// <summary>One ReplicaSet as the rollout arithmetic sees it.</summary>
/// <param name="MaxReplicas">The max-replicas annotation: the deployment size (with surge) when the set was last scaled.</param>
internal sealed record ReplicaSetCounts(string Name, int Replicas, int AvailableReplicas, DateTimeOffset Created, int? MaxReplicas = null);

/// <summary>
/// The arithmetic of a rolling update, as pkg/controller/deployment (rolling.go, util) does it,
/// kept pure so that each rule can be tested without a cluster. All inputs are ReplicaSet
/// spec.replicas and status.availableReplicas; outputs are new spec.replicas per ReplicaSet name.
/// </summary>
internal static class RolloutMath
{
    /// <summary>
    /// An int-or-percent against a total: "25%" of 10 is 3 when rounding up (maxSurge) and 2 when
    /// rounding down (maxUnavailable), as intstr.GetScaledValueFromIntOrPercent.
    /// </summary>
    public static int Scaled(IntOrString value, int total, bool roundUp, string field)
    {
        var text = value.Value ?? "";
        if (!text.EndsWith('%'))
        {
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) && count >= 0
                ? count
                : throw new FormatException($"{field}: \"{text}\" is neither a non-negative integer nor a percentage like \"25%\"");
        }

        if (!int.TryParse(text[..^1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var percent) || percent < 0)
        {
            throw new FormatException($"{field}: \"{text}\" is not a valid percentage; use e.g. \"25%\"");
        }

        var scaled = (long)percent * total;
        return (int)(roundUp ? (scaled + 99) / 100 : scaled / 100);
    }

    /// <summary>maxSurge and maxUnavailable for a size; both resolving to 0 gives maxUnavailable 1 (ResolveFenceposts).</summary>
    public static (int Surge, int Unavailable) ResolveFenceposts(IntOrString maxSurge, IntOrString maxUnavailable, int desired)
    {
        var surge = Scaled(maxSurge, desired, roundUp: true, "spec.strategy.rollingUpdate.maxSurge");
        var unavailable = Scaled(maxUnavailable, desired, roundUp: false, "spec.strategy.rollingUpdate.maxUnavailable");
        return surge == 0 && unavailable == 0 ? (0, 1) : (surge, unavailable);
    }

    public static int MaxSurge(V1Deployment d) =>
        DeploymentSpec.IsRecreate(d) ? 0 : ResolveFenceposts(DeploymentSpec.MaxSurgeSetting(d), DeploymentSpec.MaxUnavailableSetting(d), DeploymentSpec.Replicas(d)).Surge;

    public static int MaxUnavailable(V1Deployment d)
    {
        var replicas = DeploymentSpec.Replicas(d);
        if (DeploymentSpec.IsRecreate(d) || replicas == 0) return 0;
        var unavailable = ResolveFenceposts(DeploymentSpec.MaxSurgeSetting(d), DeploymentSpec.MaxUnavailableSetting(d), replicas).Unavailable;
        return Math.Min(unavailable, replicas);
    }

    /// <summary>The new ReplicaSet's size for the next step (NewRSNewReplicas): up to replicas+maxSurge pods in all.</summary>
    public static int NewReplicaSetReplicas(V1Deployment d, int allReplicas, int newReplicas)
    {
        var replicas = DeploymentSpec.Replicas(d);
        if (DeploymentSpec.IsRecreate(d)) return replicas;
        var maxTotal = replicas + MaxSurge(d);
        if (allReplicas >= maxTotal) return newReplicas;
        return newReplicas + Math.Min(maxTotal - allReplicas, Math.Max(0, replicas - newReplicas));
    }

    /// <summary>
    /// How far old ReplicaSets may shrink this step without going under replicas-maxUnavailable,
    /// counting the new ReplicaSet's not-yet-available pods as unavailable (reconcileOldReplicaSets).
    /// </summary>
    public static int MaxScaledDown(V1Deployment d, int allReplicas, ReplicaSetCounts? newRs)
    {
        var minAvailable = DeploymentSpec.Replicas(d) - MaxUnavailable(d);
        var newUnavailable = newRs is null ? 0 : newRs.Replicas - newRs.AvailableReplicas;
        return allReplicas - minAvailable - newUnavailable;
    }

    /// <summary>
    /// First shrink old ReplicaSets by their unavailable pods, oldest first, up to
    /// <paramref name="maxCleanup"/> (cleanupUnhealthyReplicas): removing those costs no availability.
    /// </summary>
    public static Dictionary<string, int> CleanupUnhealthy(IEnumerable<ReplicaSetCounts> oldSets, int maxCleanup)
    {
        var plan = new Dictionary<string, int>(StringComparer.Ordinal);
        var total = 0;
        foreach (var rs in oldSets.OrderBy(r => r.Created).ThenBy(r => r.Name, StringComparer.Ordinal))
        {
            if (total >= maxCleanup) break;
            if (rs.Replicas == 0 || rs.Replicas <= rs.AvailableReplicas) continue;
            var down = Math.Min(maxCleanup - total, rs.Replicas - rs.AvailableReplicas);
            plan[rs.Name] = rs.Replicas - down;
            total += down;
        }

        return plan;
    }

    /// <summary>
    /// Then shrink old ReplicaSets, oldest first, by as many available pods as exceed
    /// replicas-maxUnavailable (scaleDownOldReplicaSetsForRollingUpdate).
    /// </summary>
    public static Dictionary<string, int> ScaleDownOld(V1Deployment d, IReadOnlyList<ReplicaSetCounts> allSets, IEnumerable<ReplicaSetCounts> oldSets)
    {
        var plan = new Dictionary<string, int>(StringComparer.Ordinal);
        var minAvailable = DeploymentSpec.Replicas(d) - MaxUnavailable(d);
        var available = allSets.Sum(r => r.AvailableReplicas);
        if (available <= minAvailable) return plan;
        var toScaleDown = available - minAvailable;
        var total = 0;
        foreach (var rs in oldSets.OrderBy(r => r.Created).ThenBy(r => r.Name, StringComparer.Ordinal))
        {
            if (total >= toScaleDown) break;
            if (rs.Replicas == 0) continue;
            var down = Math.Min(rs.Replicas, toScaleDown - total);
            plan[rs.Name] = rs.Replicas - down;
            total += down;
        }

        return plan;
    }
}
