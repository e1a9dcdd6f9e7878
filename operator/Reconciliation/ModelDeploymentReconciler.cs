using k8s.Models;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Failures;
using LlmOperator.Operator.Kubernetes;
using LlmOperator.Operator.Reconciliation.Converge;
using LlmOperator.Operator.Reconciliation.DesiredState;
using LlmOperator.Operator.Reconciliation.Events;
using LlmOperator.Operator.Reconciliation.Observation;
using LlmOperator.Operator.Reconciliation.Probing;
using LlmOperator.Operator.Reconciliation.Revisions;
using LlmOperator.Operator.Reconciliation.Rollback;
using LlmOperator.Operator.Reconciliation.Rollout;
using LlmOperator.Operator.Reconciliation.Status;
using LlmOperator.Operator.Runtime;
using LlmOperator.Operator.Telemetry;
using LlmOperator.Operator.Validation;
using LlmOperator.Rules.Architecture;
using LlmOperator.Rules.Validation;
using Microsoft.Extensions.Logging;
using Polly;

namespace LlmOperator.Operator.Reconciliation;

/// <summary>
/// The unit of work: one ModelDeployment, level-based and idempotent. Validate → desired Deployment and Service →
/// revisions (ControllerRevisions with outcomes) → the plan they imply (spec, automatic or manual rollback, scale to
/// zero) → the current revision's pods against the rollback policy → converge the Deployment and Service (writing
/// only what differs) → prove a pending revision (all replicas Ready for minReadySeconds and the long-context probe
/// through each pod) → status. It never writes the resource's spec: GitOps tools own it.
/// </summary>
public sealed partial class ModelDeploymentReconciler : IReconciler<V1Alpha1ModelDeployment>
{
    /// <summary>A visit now and then even without events, in case a watch event was lost.</summary>
    public static readonly TimeSpan Resync = TimeSpan.FromMinutes(10);

    private readonly IClusterClient _client;
    private readonly ILongContextProber _prober;
    private readonly OperatorMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _conflicts;
    private readonly RevisionStore _revisions;
    private readonly ObjectConverger _converger;
    private readonly PodObserver _pods;
    private readonly EventRecorder _events;

    public ModelDeploymentReconciler(IClusterClient client, ILongContextProber prober, OperatorMetrics metrics, TimeProvider clock,
        ILoggerFactory loggers, ResiliencePipeline? conflicts = null)
    {
        (_client, _prober, _metrics, _clock) = (client, prober, metrics, clock);
        _logger = loggers.CreateLogger<ModelDeploymentReconciler>();
        _conflicts = conflicts ?? ApiResilience.ForConflicts();
        _revisions = new RevisionStore(client, _conflicts, clock);
        _converger = new ObjectConverger(client, _conflicts);
        _pods = new PodObserver(client, clock);
        _events = new EventRecorder(client, clock, loggers.CreateLogger<EventRecorder>());
    }

    public async Task<ReconcileResult> ReconcileAsync(V1Alpha1ModelDeployment entity, CancellationToken cancellationToken) => entity switch
    {
        // Everything the operator makes carries an owner reference: the garbage collector deletes it, no finalizer needed.
        { Metadata.DeletionTimestamp: not null } => ReconcileResult.Success(),
        _ => await ReconcileLiveAsync(entity, cancellationToken).ConfigureAwait(false),
    };

    private async Task<ReconcileResult> ReconcileLiveAsync(V1Alpha1ModelDeployment md, CancellationToken ct)
    {
        var (report, model) = await ValidateAsync(md, ct).ConfigureAwait(false);
        if (!report.IsValid) return await InvalidAsync(md, report, ct).ConfigureAwait(false);
        long generation = md.Metadata.Generation ?? 0;

        var desired = EngineDeploymentBuilder.Build(md);
        var revisions = await _revisions.ListAsync(md, ct).ConfigureAwait(false);
        var specHash = desired.Spec.Template.Metadata.Labels[EngineLabels.Revision];
        var (spec, created) = await _revisions.EnsureAsync(md, desired.Spec.Template, specHash, revisions, ct).ConfigureAwait(false);
        Put(revisions, spec);
        if (created)
            await _events.RecordAsync(md, EventRecorder.Normal, "RevisionCreated", $"Revision {spec.Hash} (generation {generation}) is rolling out.", ct).ConfigureAwait(false);
        await ApplyRollbackAnnotationAsync(md, revisions, ct).ConfigureAwait(false);

        var plan = RolloutPlan.For(generation, md.Spec.Replicas, Find(revisions, specHash), revisions);
        var pods = await _client.ListAsync<V1Pod>(md.Metadata.NamespaceProperty, Selector(md), ct).ConfigureAwait(false);
        var observed = await _pods.ObserveAsync(md, pods, plan.Target.Hash, AttemptStarted(plan.Target), ct).ConfigureAwait(false);
        if (plan.Replicas > 0)
        {
            plan = await ActAsync(md, Decide(md, plan, revisions, observed), plan, revisions, pods, ct).ConfigureAwait(false);
            if (observed.Revision != plan.Target.Hash)
                observed = await _pods.ObserveAsync(md, pods, plan.Target.Hash, AttemptStarted(plan.Target), ct).ConfigureAwait(false);
        }

        var (deployment, _) = await _converger.ConvergeAsync(DeploymentFor(md, plan, desired), ct).ConfigureAwait(false);
        await _converger.ConvergeAsync(EngineServiceBuilder.Build(md), ct, ObjectConverger.PreserveServiceAllocations).ConfigureAwait(false);
        var (progress, requeue) = await ProveAsync(md, plan, deployment, observed, model, revisions, ct).ConfigureAwait(false);
        plan = RolloutPlan.For(generation, md.Spec.Replicas, Find(revisions, specHash), revisions);
        await PruneAsync(md, plan, revisions, ct).ConfigureAwait(false);

        var status = StatusBuilder.Build(new StatusFacts(md, report, plan, revisions, deployment, observed, progress, Now()));
        await WriteStatusAsync(md, status, ct).ConfigureAwait(false);
        return ReconcileResult.Success(requeue ?? Resync);
    }

    private async Task<(ValidationReport Report, ModelArchitecture? Model)> ValidateAsync(V1Alpha1ModelDeployment md, CancellationToken ct)
    {
        V1ConfigMap? configMap = null;
        if (md.Spec.Model.Config?.ConfigMapKeyRef is { } reference)
            configMap = await _client.GetAsync<V1ConfigMap>(md.Metadata.NamespaceProperty, reference.Name, ct).ConfigureAwait(false);
        string? Lookup(string? ns, string name, string key) =>
            configMap?.Metadata.Name == name && configMap.Data?.TryGetValue(key, out var json) == true ? json : null;
        var report = ModelDeploymentValidator.Validate(md, Lookup);
        var (model, _) = ModelDeploymentValidator.ResolveModel(md.Spec.Model, md.Metadata.NamespaceProperty, Lookup);
        return (report, model);
    }

    private async Task<ReconcileResult> InvalidAsync(V1Alpha1ModelDeployment md, ValidationReport report, CancellationToken ct)
    {
        var status = StatusBuilder.BuildInvalid(md, report, Now());
        var before = Conditions.Find(md.Status?.Conditions, ConditionTypes.Valid);
        var after = Conditions.Find(status.Conditions, ConditionTypes.Valid)!;
        // One Event per verdict, not one per reconcile.
        if (before is null || before.Status != after.Status || before.ObservedGeneration != after.ObservedGeneration || before.Message != after.Message)
            await _events.RecordAsync(md, EventRecorder.Warning, StatusBuilder.InvalidSpec, after.Message, ct).ConfigureAwait(false);
        await WriteStatusAsync(md, status, ct).ConfigureAwait(false);
        _logger.LogWarning("ModelDeployment {Namespace}/{Name} generation {Generation} is invalid: {Findings}",
            md.Metadata.NamespaceProperty, md.Metadata.Name, md.Metadata.Generation, after.Message);
        return ReconcileResult.TerminalFailure($"invalid spec: {after.Message}");
    }

    /// <summary>
    /// The policy sees the live pods' failures and those recorded for pods already recreated (a pod that dies on node A
    /// and is recreated, then one that dies on node B, is the same failure on two nodes: the revision's fault).
    /// </summary>
    private static RollbackDecision Decide(V1Alpha1ModelDeployment md, RolloutPlan plan, IReadOnlyList<Revision> revisions, RevisionPods observed) =>
        RollbackPolicy.Decide(new RolloutObservation(
            plan.Target.Hash,
            RolloutPlan.LastGood(revisions, md.Metadata.Generation ?? 0, plan.Target.Hash)?.Hash,
            [.. observed.Failures, .. plan.Target.FailureHistory.Where(h => observed.Pods.All(p => p.Metadata.Name != h.Pod))],
            observed.ReadyNodes,
            md.Spec.Rollout.RollbackOn.Select(c => Enum.Parse<PodFailureClass>(c.ToString())).ToHashSet(),
            md.Spec.Rollout.FailureThreshold));

    private static V1Deployment DeploymentFor(V1Alpha1ModelDeployment md, RolloutPlan plan, V1Deployment desired)
    {
        var deployment = plan.Target.Hash == plan.Spec.Hash ? desired : EngineDeploymentBuilder.WithTemplate(md, plan.Target.Template);
        deployment.Spec.Replicas = plan.Replicas;
        return deployment;
    }

    private async Task PruneAsync(V1Alpha1ModelDeployment md, RolloutPlan plan, List<Revision> revisions, CancellationToken ct)
    {
        var keep = new HashSet<string>(StringComparer.Ordinal) { plan.Spec.Hash, plan.Target.Hash };
        if (revisions.Where(r => r.Outcome == RevisionOutcome.Good).MaxBy(r => r.Number) is { } good) keep.Add(good.Hash);
        var pruned = await _revisions.PruneAsync(revisions, md.Spec.Rollout.RevisionHistoryLimit, keep, ct).ConfigureAwait(false);
        revisions.RemoveAll(r => pruned.Any(p => p.Hash == r.Hash));
    }

    /// <summary>A pending revision's attempt began when it was (re)set Pending; a proven one's evidence never expires.</summary>
    private static DateTime? AttemptStarted(Revision revision) => revision.Outcome == RevisionOutcome.Pending ? revision.OutcomeTime : null;

    private static string Selector(V1Alpha1ModelDeployment md) =>
        string.Join(",", EngineLabels.Selector(md.Metadata.Name).Select(l => $"{l.Key}={l.Value}"));

    private static Revision Find(IReadOnlyList<Revision> revisions, string hash) => revisions.First(r => r.Hash == hash);

    /// <summary>Replaces (or adds) a revision in the working list after a write.</summary>
    private static void Put(List<Revision> revisions, Revision revision)
    {
        revisions.RemoveAll(r => r.Hash == revision.Hash);
        revisions.Add(revision);
        revisions.Sort((a, b) => b.Number.CompareTo(a.Number));
    }

    /// <summary>Now, to the second: the API server stores metav1.Time in seconds, and equal statuses must compare equal.</summary>
    private DateTime Now()
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
    }
}
