using k8s.Models;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Reconciliation.DesiredState;
using LlmOperator.Operator.Reconciliation.Revisions;
using LlmOperator.Operator.Reconciliation.Rollout;
using LlmOperator.Rules.Validation;
using C = LlmOperator.Operator.Entities.ConditionTypes;

namespace LlmOperator.Operator.Reconciliation.Status;

/// <summary>
/// The status a reconcile reports, as a pure function of what it learned: kstatus's Ready / Reconciling / Stalled
/// (Flux fails fast on Stalled=True; after a rollback, automatic or by hand, it stays True until the spec changes, so
/// GitOps tools show the failure rather than "progressing"), plus Valid, Degraded and RolledBack, each with
/// observedGeneration so that <c>kubectl wait</c> never reads a verdict about an older spec.
/// </summary>
public static class StatusBuilder
{
    public const string Valid = "Valid", InvalidSpec = "InvalidSpec", Progressing = "Progressing", Ready = "Ready";
    public const string RolledBack = "RolledBack", NoGoodRevision = "NoGoodRevision", ManualRollback = "ManualRollback";
    public const string AutomaticRollback = "AutomaticRollback", AsExpected = "AsExpected", DeadlineExceeded = "ProgressDeadlineExceeded";

    public static ModelDeploymentStatus Build(StatusFacts facts)
    {
        var conditions = Rollout(facts);
        conditions = Set(facts, conditions, C.Valid, true, Valid, ValidMessage(facts.Validation));
        var (degraded, degradedReason, degradedMessage) = Degradation(facts);
        conditions = Set(facts, conditions, C.Degraded, degraded, degradedReason, degradedMessage);
        return new ModelDeploymentStatus
        {
            ObservedGeneration = facts.Generation,
            Conditions = conditions,
            Phase = Phase(facts),
            CurrentRevision = facts.Plan.Target.Hash,
            LastGoodRevision = facts.Revisions.Where(r => r.Outcome == RevisionOutcome.Good).MaxBy(r => r.Number)?.Hash,
            Revisions = facts.Revisions.OrderByDescending(r => r.Number)
                .Select(r => new RevisionStatus { Revision = r.Hash, Outcome = r.Outcome.ToString(), Reason = r.Reason }).ToList(),
            FailedRevisions = Failed(facts.Revisions),
            Replicas = facts.Deployment?.Status?.Replicas ?? 0,
            ReadyReplicas = facts.ReadyReplicas,
            Endpoint = EngineServiceBuilder.Endpoint(facts.Resource),
            Validation = Findings(facts.Validation),
        };
    }

    /// <summary>An invalid spec: the verdict and the findings; everything else stays as it was (nothing running is touched).</summary>
    public static ModelDeploymentStatus BuildInvalid(V1Alpha1ModelDeployment resource, ValidationReport report, DateTime now)
    {
        var old = resource.Status ?? new ModelDeploymentStatus();
        long generation = resource.Metadata.Generation ?? 0;
        var message = string.Join(" ", report.Errors.Select(e => e.ToString()));
        var conditions = old.Conditions;
        conditions = Conditions.Set(conditions, C.Ready, false, InvalidSpec, message, generation, now);
        conditions = Conditions.Set(conditions, C.Reconciling, false, InvalidSpec, "waiting for a valid spec", generation, now);
        conditions = Conditions.Set(conditions, C.Stalled, true, InvalidSpec, message, generation, now);
        conditions = Conditions.Set(conditions, C.Valid, false, InvalidSpec, message, generation, now);
        return new ModelDeploymentStatus
        {
            ObservedGeneration = generation,
            Conditions = conditions,
            Phase = "Invalid",
            CurrentRevision = old.CurrentRevision,
            LastGoodRevision = old.LastGoodRevision,
            Revisions = old.Revisions,
            FailedRevisions = old.FailedRevisions,
            Replicas = old.Replicas,
            ReadyReplicas = old.ReadyReplicas,
            Endpoint = old.Endpoint,
            Validation = Findings(report),
        };
    }

    /// <summary>The message naming the pod, the failure and both revisions (Degraded, RolledBack, Stalled, the Event).</summary>
    public static string FailureMessage(Revision failed, string? to) =>
        $"Revision {failed.Hash} failed: pod {failed.Pod ?? "?"} on node {failed.Node ?? "?"}: {failed.Reason}: " +
        // Our engine's own message already starts with the class ("GpuAssertion: CUDA error: ...").
        $"{(failed.Message ?? "").Replace($"{failed.Reason}: ", "", StringComparison.Ordinal)}. " +
        (to is null
            ? "No good revision to roll back to: scaled to zero to free its GPUs"
            : $"Rolled back to revision {to}") +
        $"; {failed.Hash} is not retried until the spec changes.";

    private static List<V1Condition> Rollout(StatusFacts f)
    {
        var plan = f.Plan;
        string message;
        switch (plan.Mode)
        {
            case RolloutMode.AutomaticRollback:
            case RolloutMode.ScaledToZero:
                bool scaled = plan.Mode == RolloutMode.ScaledToZero;
                message = FailureMessage(plan.Failed!, scaled ? null : plan.Target.Hash);
                var reason = scaled ? NoGoodRevision : RolledBack;
                var list = Set(f, f.Resource.Status?.Conditions, C.Ready, false, reason, message);
                list = Set(f, list, C.Reconciling, false, reason, message);
                list = Set(f, list, C.Stalled, true, reason, message);
                return Set(f, list, C.RolledBack, !scaled, scaled ? NoGoodRevision : AutomaticRollback, message);
            case RolloutMode.ManualRollback:
                message = $"Rolled back to revision {plan.Target.Hash} by the {EngineLabels.RollbackTo} annotation; the spec's revision " +
                          $"{plan.Spec.Hash} is held back until the spec changes. {f.Progress}";
                list = Set(f, f.Resource.Status?.Conditions, C.RolledBack, true, ManualRollback, message);
                if (!Available(f)) return Progress(f, list, ManualRollback, message);
                // Once the pinned revision serves, the spec's revision is held back until the spec changes: the same
                // verdict as an automatic rollback (Ready=False, Stalled=True), so that kstatus (Flux) says Failed as
                // Argo CD's health check says Degraded, instead of Current while the spec in Git does not run.
                list = Set(f, list, C.Ready, false, ManualRollback, message);
                list = Set(f, list, C.Reconciling, false, ManualRollback, message);
                return Set(f, list, C.Stalled, true, ManualRollback, message);
            default:
                return Progress(f, Set(f, f.Resource.Status?.Conditions, C.RolledBack, false, "SpecRevision",
                    $"Running the spec's revision {plan.Spec.Hash}."), Ready, f.Progress);
        }
    }

    private static List<V1Condition> Progress(StatusFacts f, List<V1Condition> list, string readyReason, string message)
    {
        bool ready = Available(f);
        bool stalled = !ready && f.ProgressDeadlineExceeded;
        var waitReason = stalled ? DeadlineExceeded : Progressing;
        list = Set(f, list, C.Ready, ready, ready ? readyReason : waitReason, message);
        list = Set(f, list, C.Reconciling, !ready && !stalled, ready ? Ready : waitReason, message);
        return Set(f, list, C.Stalled, stalled, stalled ? DeadlineExceeded : AsExpected,
            stalled ? $"The Deployment made no progress within {f.Resource.Spec.Rollout.ProgressDeadlineSeconds}s. {message}" : "Not stalled.");
    }

    /// <summary>The planned revision is Good and the Deployment runs it on every replica (or none are wanted).</summary>
    private static bool Available(StatusFacts f) =>
        f.Plan.Replicas == 0 || (f.RolloutComplete && f.Plan.Target.Outcome == RevisionOutcome.Good);

    private static (bool, string, string) Degradation(StatusFacts f)
    {
        if (f.Plan.Mode is RolloutMode.AutomaticRollback or RolloutMode.ScaledToZero)
            return (true, f.Plan.Failed!.Reason ?? "Failed", FailureMessage(f.Plan.Failed!, f.Plan.Mode == RolloutMode.ScaledToZero ? null : f.Plan.Target.Hash));
        if (f.Pods.Failures.FirstOrDefault() is { } failure)
            return (true, failure.Verdict.Class.ToString(),
                $"Pod {failure.Pod} on node {failure.Node ?? "?"} of revision {f.Plan.Target.Hash}: {failure.Verdict.Evidence} " +
                $"({f.Pods.Failures.Count} failure(s), from its {failure.Verdict.Source}).");
        return (false, AsExpected, "No failures in the running revision's pods.");
    }

    private static string Phase(StatusFacts f) => f.Plan.Mode switch
    {
        RolloutMode.ScaledToZero => "Failed",
        RolloutMode.AutomaticRollback or RolloutMode.ManualRollback => "RolledBack",
        _ when Available(f) => f.Pods.Failures.Count > 0 ? "Degraded" : "Ready",
        _ => f.Pods.Pods.Count == 0 ? "Pending" : "Progressing",
    };

    private static List<V1Condition> Set(StatusFacts f, IReadOnlyList<V1Condition>? list, string type, bool status, string reason, string message) =>
        Conditions.Set(list, type, status, reason, message, f.Generation, f.Now);

    private static string ValidMessage(ValidationReport report) => report.Warnings.Any()
        ? $"The spec passes every rule, with {report.Warnings.Count()} warning(s): {string.Join(" ", report.Warnings)}"
        : "The spec passes every rule.";

    private static List<FailedRevision>? Failed(IReadOnlyList<Revision> revisions)
    {
        var failed = revisions.Where(r => r.Outcome == RevisionOutcome.Failed).OrderByDescending(r => r.Number)
            .Select(r => new FailedRevision { Revision = r.Hash, Reason = r.Reason ?? "", Message = r.Message, Pod = r.Pod, Node = r.Node, Time = r.OutcomeTime })
            .ToList();
        return failed.Count == 0 ? null : failed;
    }

    private static ValidationStatus? Findings(ValidationReport report) => report.Findings.Count == 0 ? null : new ValidationStatus
    {
        Findings = report.Findings.Select(f => new FindingStatus
        {
            RuleId = f.RuleId, Severity = f.Severity.ToString(), Field = f.Field, Message = f.Message, Fix = f.Fix,
        }).ToList(),
    };
}
