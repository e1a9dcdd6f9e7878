using System.Collections.Concurrent;
using k8s.Models;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Failures;
using LlmOperator.Operator.Kubernetes;
using LlmOperator.Operator.Reconciliation.DesiredState;
using LlmOperator.Operator.Reconciliation.Probing;
using LlmOperator.Operator.Reconciliation.Rollback;

namespace LlmOperator.Operator.Reconciliation.Observation;

/// <summary>
/// Reads the pods of a revision into failures and readiness. A container's failure is classified from its status
/// first; when that is not conclusive (no GPU verdict) the container's log is read through the API — the previous
/// instance's for a restarted container — because vLLM can exit 0 after its engine died and the root-cause line often
/// lies before the last 80 lines Kubernetes keeps. Logs are read once per container instance (cached by restart).
/// </summary>
public sealed class PodObserver(IClusterClient client, TimeProvider clock)
{
    /// <summary>Enough to hold a Python traceback and the CUDA lines before it.</summary>
    public const int LogLimitBytes = 256 * 1024;

    private const int CacheLimit = 2048;
    private readonly ConcurrentDictionary<string, string?> _logs = new(StringComparer.Ordinal);

    /// <param name="attemptStarted">
    /// When the revision's current attempt began (a new generation trying a failed revision again): terminations
    /// that finished before it are evidence about the earlier attempt, not this one.
    /// </param>
    public async Task<RevisionPods> ObserveAsync(V1Alpha1ModelDeployment resource, IReadOnlyList<V1Pod> pods, string revision,
        DateTime? attemptStarted, CancellationToken cancellationToken)
    {
        var live = pods.Where(p => p.Metadata.DeletionTimestamp is null && RevisionOf(p) == revision).ToList();
        var failures = new List<PodFailure>();
        var ready = new List<(V1Pod, DateTime)>();
        var deadline = TimeSpan.FromSeconds(resource.Spec.Rollout.ProgressDeadlineSeconds);
        foreach (var pod in live)
        {
            failures.AddRange(await FailuresOfAsync(pod, deadline, attemptStarted, cancellationToken).ConfigureAwait(false));
            var condition = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
            if (condition?.Status == "True") ready.Add((pod, condition.LastTransitionTime ?? clock.GetUtcNow().UtcDateTime));
        }
        return new RevisionPods(revision, live, failures, ready, live.Where(ProvenGate.ContainersReady).ToList());
    }

    public static string? RevisionOf(V1Pod pod) =>
        pod.Metadata.Labels?.TryGetValue(EngineLabels.Revision, out var revision) == true ? revision : null;

    private async Task<IReadOnlyList<PodFailure>> FailuresOfAsync(V1Pod pod, TimeSpan deadline, DateTime? attemptStarted,
        CancellationToken cancellationToken)
    {
        var failures = new List<PodFailure>();
        foreach (var status in pod.Status?.ContainerStatuses ?? [])
        {
            var finished = (status.State?.Terminated ?? status.LastState?.Terminated)?.FinishedAt;
            if (finished is { } at && at < attemptStarted) continue;
            var verdict = await ClassifyAsync(pod, status, cancellationToken).ConfigureAwait(false);
            if (verdict is null && status.Ready != true && status.State?.Running?.StartedAt is { } started)
                verdict = PodFailureClassifier.ClassifyNotReady(clock.GetUtcNow().UtcDateTime - started, deadline);
            if (verdict is null) continue;
            int occurrences = Math.Max(1, status.RestartCount + (status.State?.Terminated is null ? 0 : 1));
            failures.AddRange(Enumerable.Repeat(new PodFailure(pod.Metadata.Name, pod.Spec?.NodeName, verdict), occurrences));
        }
        return failures;
    }

    private async Task<FailureVerdict?> ClassifyAsync(V1Pod pod, V1ContainerStatus status, CancellationToken cancellationToken)
    {
        var terminated = status.State?.Terminated ?? status.LastState?.Terminated;
        var observation = new ContainerObservation(terminated?.ExitCode, terminated?.Reason, terminated?.Message, null,
            status.RestartCount, status.State?.Waiting?.Reason, RunsOurEngine(pod, status.Name));
        var verdict = PodFailureClassifier.Classify(observation);
        if (terminated is null || verdict?.Class is PodFailureClass.GpuAssertion or PodFailureClass.GpuOutOfMemory or PodFailureClass.GpuHardware)
            return verdict;
        var log = await LogAsync(pod, status, cancellationToken).ConfigureAwait(false);
        return log is null ? verdict : PodFailureClassifier.Classify(observation with { PreviousLog = log }) ?? verdict;
    }

    private async Task<string?> LogAsync(V1Pod pod, V1ContainerStatus status, CancellationToken cancellationToken)
    {
        // A container that is terminated now has its log as the current one; one that restarted has it as "previous".
        bool previous = status.State?.Terminated is null;
        var key = $"{pod.Metadata.Uid}/{status.Name}/{status.RestartCount}/{previous}";
        if (_logs.TryGetValue(key, out var cached)) return cached;
        var log = await client.ReadLogAsync(pod.Metadata.NamespaceProperty, pod.Metadata.Name, status.Name, previous, LogLimitBytes,
            cancellationToken).ConfigureAwait(false);
        if (_logs.Count >= CacheLimit) _logs.Clear();
        _logs[key] = log;
        return log;
    }

    private static bool RunsOurEngine(V1Pod pod, string container)
    {
        var spec = pod.Spec?.Containers?.FirstOrDefault(c => c.Name == container);
        var repository = EngineCommand.DefaultEngineImage[..EngineCommand.DefaultEngineImage.LastIndexOf(':')];
        return spec?.Image?.StartsWith(repository, StringComparison.Ordinal) == true || spec?.Command?.FirstOrDefault() == "llm-engine";
    }
}
