using k8s.Models;
using LlmOperator.Operator.Reconciliation.Rollback;

namespace LlmOperator.Operator.Reconciliation.Observation;

/// <summary>What the pods of one revision show.</summary>
/// <param name="Pods">Live pods of the revision (not being deleted).</param>
/// <param name="Failures">One entry per failure seen (a container that restarted three times after a device assert counts three).</param>
/// <param name="ReadyPods">Pods whose Ready condition is True, with the time it became True (behind the readiness gate: proven).</param>
/// <param name="ContainersReadyPods">Pods whose containers are all ready: the ones the long-context probe may go to.</param>
public sealed record RevisionPods(
    string Revision,
    IReadOnlyList<V1Pod> Pods,
    IReadOnlyList<PodFailure> Failures,
    IReadOnlyList<(V1Pod Pod, DateTime Since)> ReadyPods,
    IReadOnlyList<V1Pod> ContainersReadyPods)
{
    public IReadOnlyCollection<string> ReadyNodes => ReadyPods.Select(r => r.Pod.Spec?.NodeName).OfType<string>().Distinct().ToList();

    /// <summary>When the last of the Ready pods became Ready: all have been Ready since then.</summary>
    public DateTime? AllReadySince => ReadyPods.Count == 0 ? null : ReadyPods.Max(r => r.Since);
}
