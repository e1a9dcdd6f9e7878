using System.Text.Json.Nodes;
using k8s.Models;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Reconciliation.DesiredState;
using LlmOperator.Operator.Reconciliation.Events;
using LlmOperator.Operator.Reconciliation.Revisions;
using LlmOperator.Operator.Reconciliation.Rollback;
using LlmOperator.Operator.Reconciliation.Rollout;
using LlmOperator.Operator.Reconciliation.Status;
using Microsoft.Extensions.Logging;

namespace LlmOperator.Operator.Reconciliation;

/// <summary>Acting on the rollback policy's decision, and the manual rollback annotation.</summary>
public sealed partial class ModelDeploymentReconciler
{
    private async Task<RolloutPlan> ActAsync(V1Alpha1ModelDeployment md, RollbackDecision decision, RolloutPlan plan,
        List<Revision> revisions, IReadOnlyList<V1Pod> pods, CancellationToken ct)
    {
        switch (decision)
        {
            case RollbackDecision.RecreatePods recreate:
                var listed = recreate.Pods.Where(p => p.Verdict.Class != Failures.PodFailureClass.GpuHardware).ToList();
                if (listed.Count > 0) Put(revisions, await _revisions.RecordFailuresAsync(plan.Target, listed, ct).ConfigureAwait(false));
                await RecreateAsync(md, recreate, pods, ct).ConfigureAwait(false);
                return plan with { Target = Find(revisions, plan.Target.Hash) };
            case RollbackDecision.RollBack rollBack:
                return await FailRevisionAsync(md, plan, rollBack.FailedRevision, rollBack.Cause, rollBack.Failures, revisions, ct).ConfigureAwait(false);
            case RollbackDecision.ScaleToZero scale:
                return await FailRevisionAsync(md, plan, scale.FailedRevision, scale.Cause, scale.Failures, revisions, ct).ConfigureAwait(false);
            default:
                return plan;
        }
    }

    /// <summary>
    /// Marks the revision Failed for this generation (so it is not tried again while Git still holds this spec) and
    /// returns the plan that follows: the last good revision, or zero replicas when there is none.
    /// </summary>
    private async Task<RolloutPlan> FailRevisionAsync(V1Alpha1ModelDeployment md, RolloutPlan current, string hash, PodFailure cause,
        int failures, List<Revision> revisions, CancellationToken ct)
    {
        long generation = md.Metadata.Generation ?? 0;
        var evidence = $"{cause.Verdict.Evidence} (from the {cause.Verdict.Source}; {failures} failure(s), threshold {md.Spec.Rollout.FailureThreshold})";
        var failed = await _revisions.MarkAsync(Find(revisions, hash), RevisionOutcome.Failed, cause.Verdict.Class.ToString(), evidence,
            generation, cause.Pod, cause.Node, ct).ConfigureAwait(false);
        Put(revisions, failed);
        var plan = RolloutPlan.For(generation, md.Spec.Replicas, Find(revisions, current.Spec.Hash), revisions);
        bool scaled = plan.Mode == RolloutMode.ScaledToZero;
        var action = scaled ? "ScaledToZero" : StatusBuilder.RolledBack;
        _metrics.RecordRollback(action, cause.Verdict.Class.ToString());
        var message = StatusBuilder.FailureMessage(failed, scaled ? null : plan.Target.Hash);
        _logger.LogWarning("ModelDeployment {Namespace}/{Name}: {Action} after {FailureClass} in pod {Pod} on node {Node}: {Message}",
            md.Metadata.NamespaceProperty, md.Metadata.Name, action, cause.Verdict.Class, cause.Pod, cause.Node, message);
        await _events.RecordAsync(md, EventRecorder.Warning, action, message, ct).ConfigureAwait(false);
        return plan;
    }

    /// <summary>A failure confined to one node: delete its pods so the ReplicaSet makes them again, elsewhere if it can.</summary>
    private async Task RecreateAsync(V1Alpha1ModelDeployment md, RollbackDecision.RecreatePods recreate, IReadOnlyList<V1Pod> pods, CancellationToken ct)
    {
        var names = new List<string>();
        foreach (var name in recreate.Pods.Select(p => p.Pod).Distinct(StringComparer.Ordinal))
        {
            // Failures from the history name pods that are gone already: nothing to delete, nothing to report.
            if (pods.FirstOrDefault(p => p.Metadata.Name == name) is not { Metadata.DeletionTimestamp: null }) continue;
            if (await _client.DeleteAsync<V1Pod>(md.Metadata.NamespaceProperty, name, ct).ConfigureAwait(false)) names.Add(name);
        }
        if (names.Count == 0) return;
        var cause = recreate.Pods.First(p => names.Contains(p.Pod)).Verdict;
        await _events.RecordAsync(md, EventRecorder.Warning, "PodRecreated",
            $"Pod(s) {string.Join(", ", names)} failed on node {recreate.Node} ({cause.Class}: {cause.Evidence}); the failure is confined " +
            $"to node {recreate.Node}, so the pods are recreated rather than the revision rolled back.", ct).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>kubectl annotate md NAME inference.llmoperator.dev/rollback-to=REV</c>: pins a good revision for this generation
    /// (a revision's mark, so the plan stays level-based), then takes the annotation off so that it acts once.
    /// </summary>
    private async Task ApplyRollbackAnnotationAsync(V1Alpha1ModelDeployment md, List<Revision> revisions, CancellationToken ct)
    {
        if (md.Metadata.Annotations?.TryGetValue(EngineLabels.RollbackTo, out var wanted) != true || wanted is null) return;
        wanted = wanted.Trim();
        long generation = md.Metadata.Generation ?? 0;
        var target = revisions.FirstOrDefault(r => r.Hash == wanted || r.Object.Metadata.Name == wanted);
        if (target is { Outcome: RevisionOutcome.Good })
        {
            foreach (var other in revisions.Where(r => r.PinnedGeneration is not null && r.Hash != target.Hash).ToList())
                Put(revisions, await _revisions.UnpinAsync(other, ct).ConfigureAwait(false));
            Put(revisions, await _revisions.PinAsync(target, generation, ct).ConfigureAwait(false));
            await _events.RecordAsync(md, EventRecorder.Normal, StatusBuilder.ManualRollback,
                $"Rolling back to revision {target.Hash} as the {EngineLabels.RollbackTo} annotation asks; it runs until the spec changes.", ct).ConfigureAwait(false);
        }
        else
        {
            var good = revisions.Where(r => r.Outcome == RevisionOutcome.Good).Select(r => r.Hash).ToList();
            await _events.RecordAsync(md, EventRecorder.Warning, "RollbackRefused",
                $"{EngineLabels.RollbackTo}={wanted}: " + (target is null ? "no such revision" : $"revision {target.Hash} is {target.Outcome}, not Good") +
                $". Good revisions: {(good.Count == 0 ? "none" : string.Join(", ", good))}.", ct).ConfigureAwait(false);
        }
        var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [EngineLabels.RollbackTo] = null } } };
        await _client.PatchAsync<V1Alpha1ModelDeployment>(md.Metadata.NamespaceProperty, md.Metadata.Name, patch.ToJsonString(), ct).ConfigureAwait(false);
    }
}
