using System.Globalization;
using System.Text.Json;
using k8s;
using k8s.Models;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Kubernetes;
using LlmOperator.Operator.Reconciliation.DesiredState;
using LlmOperator.Operator.Reconciliation.Rollback;
using Polly;

namespace LlmOperator.Operator.Reconciliation.Revisions;

/// <summary>The resource's revisions as ControllerRevisions: read, create, record outcomes, prune history.</summary>
public sealed class RevisionStore(IClusterClient client, ResiliencePipeline conflicts, TimeProvider clock)
{
    /// <summary>The revisions the resource owns, newest first.</summary>
    public async Task<List<Revision>> ListAsync(V1Alpha1ModelDeployment resource, CancellationToken cancellationToken)
    {
        var selector = string.Join(",", EngineLabels.Selector(resource.Metadata.Name).Select(l => $"{l.Key}={l.Value}"));
        var all = await client.ListAsync<V1ControllerRevision>(resource.Metadata.NamespaceProperty, selector, cancellationToken).ConfigureAwait(false);
        return all.Where(r => r.Metadata.OwnerReferences?.Any(o => o.Uid == resource.Metadata.Uid) == true)
            .Select(r => new Revision(r)).OrderByDescending(r => r.Number).ToList();
    }

    /// <summary>
    /// The revision for the spec's template: created Pending when new; a revision that failed under an earlier
    /// generation is tried again (the spec changed); an old template that became the spec's again becomes the newest.
    /// </summary>
    public async Task<(Revision Revision, bool Created)> EnsureAsync(V1Alpha1ModelDeployment resource, V1PodTemplateSpec template,
        string hash, IReadOnlyList<Revision> revisions, CancellationToken cancellationToken)
    {
        long generation = resource.Metadata.Generation ?? 0;
        long newest = revisions.Count == 0 ? 0 : revisions.Max(r => r.Number);
        if (revisions.FirstOrDefault(r => r.Hash == hash) is not { } existing)
            return (await CreateAsync(resource, template, hash, newest + 1, cancellationToken).ConfigureAwait(false), true);
        bool retry = existing.Outcome == RevisionOutcome.Failed && existing.OutcomeGeneration < generation;
        if (!retry && existing.Number == newest) return (existing, false);
        var updated = await UpdateAsync(existing, r =>
        {
            if ((r.Revision ?? 0) < newest) r.Revision = newest + 1;
            if (retry) SetOutcome(r, RevisionOutcome.Pending, "SpecChanged", $"generation {generation} tries it again", generation, null, null);
        }, cancellationToken).ConfigureAwait(false);
        return (updated, false);
    }

    /// <summary>Records an outcome; no write when it is already recorded.</summary>
    public Task<Revision> MarkAsync(Revision revision, RevisionOutcome outcome, string reason, string message, long generation,
        string? pod, string? node, CancellationToken cancellationToken)
    {
        if (revision.Outcome == outcome && revision.Reason == reason && revision.OutcomeGeneration == generation)
            return Task.FromResult(revision);
        return UpdateAsync(revision, r => SetOutcome(r, outcome, reason, message, generation, pod, node), cancellationToken);
    }

    /// <summary>Most failures kept per revision: enough to show the nodes involved, small enough for an annotation.</summary>
    public const int FailureHistoryLimit = 20;

    /// <summary>Keeps the failures of pods about to be recreated: the next failure elsewhere then condemns the revision.</summary>
    public Task<Revision> RecordFailuresAsync(Revision revision, IEnumerable<PodFailure> failures, CancellationToken cancellationToken)
    {
        var known = revision.FailureHistory.Select(RecordedFailure.From).ToList();
        var added = failures.Select(RecordedFailure.From).Where(f => known.All(k => k.Pod != f.Pod)).DistinctBy(f => f.Pod).ToList();
        if (added.Count == 0) return Task.FromResult(revision);
        var all = known.Concat(added).TakeLast(FailureHistoryLimit).ToList();
        return UpdateAsync(revision, r => Annotations(r)[Revision.FailuresAnnotation] = JsonSerializer.Serialize(all), cancellationToken);
    }

    /// <summary>Marks the revision a manual rollback put back, for as long as the spec stays at <paramref name="generation"/>.</summary>
    public Task<Revision> PinAsync(Revision revision, long generation, CancellationToken cancellationToken) =>
        revision.PinnedGeneration == generation
            ? Task.FromResult(revision)
            : UpdateAsync(revision, r => Annotations(r)[Revision.PinnedAnnotation] = generation.ToString(CultureInfo.InvariantCulture), cancellationToken);

    /// <summary>Takes a manual rollback's mark off a revision (another one was chosen).</summary>
    public Task<Revision> UnpinAsync(Revision revision, CancellationToken cancellationToken) =>
        revision.PinnedGeneration is null
            ? Task.FromResult(revision)
            : UpdateAsync(revision, r => Annotations(r).Remove(Revision.PinnedAnnotation), cancellationToken);

    /// <summary>
    /// Keeps <paramref name="limit"/> revisions: those in <paramref name="keep"/> (the spec's, the running one, the
    /// last good one) whatever their age, then the newest others; deletes the rest.
    /// </summary>
    public async Task<IReadOnlyList<Revision>> PruneAsync(IReadOnlyList<Revision> revisions, int limit, IReadOnlySet<string> keep, CancellationToken cancellationToken)
    {
        int kept = revisions.Count(r => keep.Contains(r.Hash));
        var doomed = revisions.Where(r => !keep.Contains(r.Hash)).OrderByDescending(r => r.Number).Skip(Math.Max(0, limit - kept)).ToList();
        foreach (var revision in doomed)
        {
            await client.DeleteAsync<V1ControllerRevision>(revision.Object.Namespace(), revision.Object.Name(), cancellationToken).ConfigureAwait(false);
        }
        return doomed;
    }

    private async Task<Revision> CreateAsync(V1Alpha1ModelDeployment resource, V1PodTemplateSpec template, string hash, long number,
        CancellationToken cancellationToken)
    {
        var labels = EngineLabels.Selector(resource.Metadata.Name);
        labels[EngineLabels.Revision] = hash;
        labels[EngineLabels.ManagedBy] = EngineLabels.Manager;
        var revision = new V1ControllerRevision
        {
            ApiVersion = "apps/v1",
            Kind = "ControllerRevision",
            Metadata = new V1ObjectMeta
            {
                Name = Revision.NameFor(resource.Metadata.Name, hash),
                NamespaceProperty = resource.Metadata.NamespaceProperty,
                Labels = labels,
                Annotations = new Dictionary<string, string>(),
            },
            Data = template,
            Revision = number,
        };
        revision.AddOwnerReference(OwnerReference.To(resource));
        SetOutcome(revision, RevisionOutcome.Pending, "Created", "waiting for all replicas Ready and the long-context probe",
            resource.Metadata.Generation ?? 0, null, null);
        return new Revision(await client.CreateAsync(revision, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Read-modify-write: a 409 re-reads the revision and applies the change again.</summary>
    private async Task<Revision> UpdateAsync(Revision revision, Action<V1ControllerRevision> change, CancellationToken cancellationToken)
    {
        var (ns, name) = (revision.Object.Namespace(), revision.Object.Name());
        bool first = true;
        return await conflicts.ExecuteAsync(async ct =>
        {
            var current = first ? revision.Object : await client.GetAsync<V1ControllerRevision>(ns, name, ct).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"ControllerRevision {ns}/{name} disappeared while being updated.");
            first = false;
            change(current);
            return new Revision(await client.ReplaceAsync(current, ct).ConfigureAwait(false));
        }, cancellationToken).ConfigureAwait(false);
    }

    private void SetOutcome(V1ControllerRevision revision, RevisionOutcome outcome, string reason, string message, long generation,
        string? pod, string? node)
    {
        var annotations = Annotations(revision);
        annotations[Revision.OutcomeAnnotation] = outcome.ToString();
        annotations[Revision.ReasonAnnotation] = reason;
        annotations[Revision.MessageAnnotation] = message;
        annotations[Revision.GenerationAnnotation] = generation.ToString(CultureInfo.InvariantCulture);
        annotations[Revision.TimeAnnotation] = clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        SetOrRemove(annotations, Revision.PodAnnotation, pod);
        SetOrRemove(annotations, Revision.NodeAnnotation, node);
        // A new attempt (Pending again) or a proof (Good) starts the evidence over; a failure keeps what led to it.
        if (outcome != RevisionOutcome.Failed) annotations.Remove(Revision.FailuresAnnotation);
    }

    private static IDictionary<string, string> Annotations(V1ControllerRevision revision) =>
        revision.Metadata.Annotations ??= new Dictionary<string, string>();

    private static void SetOrRemove(IDictionary<string, string> annotations, string key, string? value)
    {
        if (value is null) annotations.Remove(key);
        else annotations[key] = value;
    }
}
