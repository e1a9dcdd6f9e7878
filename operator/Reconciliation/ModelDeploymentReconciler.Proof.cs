using k8s;
using k8s.Models;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Reconciliation.Events;
using LlmOperator.Operator.Reconciliation.Observation;
using LlmOperator.Operator.Reconciliation.Probing;
using LlmOperator.Operator.Reconciliation.Revisions;
using LlmOperator.Operator.Reconciliation.Rollout;
using LlmOperator.Operator.Runtime;
using LlmOperator.Rules.Architecture;
using Microsoft.Extensions.Logging;

namespace LlmOperator.Operator.Reconciliation;

/// <summary>Proving a pending revision good, and writing the status.</summary>
public sealed partial class ModelDeploymentReconciler
{
    /// <summary>How soon to look again after a probe failed without the pod crashing (a crash arrives as a pod event).</summary>
    public static readonly TimeSpan ProbeRetry = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Opens the readiness gate of each pod of the running revision that the long-context probe went through, then
    /// calls the revision good once all its replicas have been Ready (so: proven) for minReadySeconds. Pods are proven
    /// one by one as their containers become ready, not all at the end: behind the gate a pod is unavailable until
    /// proven, and a rolling update (no surge, one unavailable) replaces the next old pod only after that.
    /// Returns what the status says about progress, and when to look again.
    /// </summary>
    private async Task<(string Progress, TimeSpan? Requeue)> ProveAsync(V1Alpha1ModelDeployment md, RolloutPlan plan, V1Deployment deployment,
        RevisionPods observed, ModelArchitecture? model, List<Revision> revisions, CancellationToken ct)
    {
        var target = plan.Target;
        int want = plan.Replicas, ready = observed.ReadyPods.Count;
        if (want == 0) return (plan.Mode == RolloutMode.ScaledToZero ? "" : "spec.replicas is 0.", null);
        var probe = LongContextProbe.For(md, model ?? throw new InvalidOperationException("a valid spec has a model"));
        if (await OpenGatesAsync(md, target, observed, probe, ct).ConfigureAwait(false) is { } failure)
            return (failure, ProbeRetry);
        if (target.Outcome == RevisionOutcome.Good)
            return ($"{ready}/{want} replicas of revision {target.Hash} Ready.", null);
        if (ready < want || observed.Pods.Count != want)
            return ($"Rolling out revision {target.Hash}: {ready}/{want} replicas Ready and proven" +
                    $" ({deployment.Status?.UpdatedReplicas ?? 0} updated, {deployment.Status?.Replicas ?? 0} in all).", null);
        var minReady = TimeSpan.FromSeconds(md.Spec.Rollout.MinReadySeconds);
        var readyFor = Now() - observed.AllReadySince!.Value;
        if (readyFor < minReady)
        {
            var left = minReady - readyFor;
            return ($"All {want} replicas of revision {target.Hash} Ready and proven; good after minReadySeconds ({left.TotalSeconds:0}s left).", left);
        }
        var message = $"All {want} replicas Ready for {md.Spec.Rollout.MinReadySeconds}s; the long-context probe ({probe.PromptTokens} tokens, " +
                      $"{probe.ChunkBoundaries} attention-chunk boundaries) was answered by every pod.";
        Put(revisions, await _revisions.MarkAsync(target, RevisionOutcome.Good, "Verified", message, md.Metadata.Generation ?? 0, null, null, ct).ConfigureAwait(false));
        await _events.RecordAsync(md, EventRecorder.Normal, "RevisionGood", $"Revision {target.Hash} is good: {message}", ct).ConfigureAwait(false);
        return ($"{want}/{want} replicas of revision {target.Hash} Ready.", null);
    }

    /// <summary>
    /// Probes every pod of the revision whose containers are ready and that is not proven yet — all at once: a
    /// revision that crashes on the probe then fails on all its nodes together, which is what tells a bad spec from a
    /// bad node — and sets the proven condition on each that answered. A good revision's pods are probed too (a
    /// recreated pod, a rollback's pods): each waits behind its own gate. The engine's API key is read while some pod
    /// is unproven (so that a missing Secret, which keeps pods from starting, is reported), not once all are proven.
    /// Returns the first failure (or why the key cannot be read), or null.
    /// </summary>
    private async Task<string?> OpenGatesAsync(V1Alpha1ModelDeployment md, Revision target, RevisionPods observed, LongContextProbe probe,
        CancellationToken ct)
    {
        var pending = observed.ContainersReadyPods.Where(p => !ProvenGate.IsProven(p)).ToList();
        if (observed.Pods.All(ProvenGate.IsProven)) return null;
        var (apiKey, keyProblem) = await EngineApiKey.ReadAsync(_client, md, ct).ConfigureAwait(false);
        if (keyProblem is not null) return keyProblem;
        probe = probe with { ApiKey = apiKey };
        var results = await Task.WhenAll(pending.Select(async pod => (Pod: pod, Result: await _prober.ProbeAsync(probe, pod, ct).ConfigureAwait(false))))
            .ConfigureAwait(false);
        foreach (var (pod, result) in results.Where(r => r.Result.Succeeded))
        {
            await _client.PatchStatusAsync<V1Pod>(pod.Metadata.NamespaceProperty, pod.Metadata.Name, ProvenGate.ProvenPatch(result.Detail, Now()), ct)
                .ConfigureAwait(false);
        }
        if (results.FirstOrDefault(r => !r.Result.Succeeded) is not { Pod: not null } failed) return null;
        _logger.LogWarning("Long-context probe of pod {Pod} (revision {Revision}) failed: {Detail}", failed.Pod.Metadata.Name, target.Hash, failed.Result.Detail);
        return $"Revision {target.Hash}: the long-context probe ({probe.PromptTokens} tokens) failed on pod {failed.Pod.Metadata.Name}: {failed.Result.Detail}";
    }

    /// <summary>
    /// Writes the status subresource when it differs from what is stored (a converged resource costs no write). On a
    /// conflict it re-reads: if the spec moved on meanwhile, this status is about an old generation and is dropped —
    /// the new generation's own reconcile is already queued.
    /// </summary>
    private async Task WriteStatusAsync(V1Alpha1ModelDeployment md, ModelDeploymentStatus status, CancellationToken ct)
    {
        _metrics.SetStatus(ReconcileKeys.For(md.Metadata.NamespaceProperty, md.Metadata.Name), status);
        if (md.Status is not null && KubernetesJson.Serialize(md.Status) == KubernetesJson.Serialize(status)) return;
        bool first = true;
        await _conflicts.ExecuteAsync(async token =>
        {
            var current = first ? md : await _client.GetAsync<V1Alpha1ModelDeployment>(md.Metadata.NamespaceProperty, md.Metadata.Name, token).ConfigureAwait(false);
            first = false;
            if (current is null || current.Metadata.Generation != md.Metadata.Generation) return;
            current.Status = status;
            await _client.ReplaceStatusAsync(current, token).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }
}
