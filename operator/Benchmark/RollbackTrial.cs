using System.Diagnostics;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Reconciliation.DesiredState;
using LlmOperator.Rules.Contract;

namespace LlmOperator.Operator.Benchmark;

/// <summary>What one rollback trial measured; <see cref="Reaction"/> is null when the trial did not complete.</summary>
public sealed record TrialResult(string Resource, TimeSpan? Reaction, TimeSpan? SincePatch, string Detail);

/// <summary>
/// One rollback of a Ready resource: its spec is changed so that the new revision's stand-in pods die of a device
/// assert on their first request (the operator's long-context probe), as the engine does. Measured on the store's
/// commit order: from the first pod status showing the container terminated with the GPU-assertion exit code (the
/// failure reaching the API server) to the first Deployment write whose pod template is the last good revision again.
/// The trial is complete when the resource also says RolledBack=True.
/// </summary>
public sealed class RollbackTrial(string name, string goodRevision)
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private long _patched, _failed, _back;
    private bool _leftGood, _rolledBack;
    private string _failedPod = "";

    public static JsonObject FaultyEngineSpec() => new()
    {
        ["engine"] = new JsonObject { ["extraArgs"] = new JsonArray("--chaos-failure", "device-assert") },
    };

    public async Task<TrialResult> RunAsync(IKubernetes client, StoreTimeline timeline, string ns, TimeSpan patience, CancellationToken cancellationToken)
    {
        using (timeline.Observe(Observe))
        {
            var patch = new JsonObject { ["spec"] = FaultyEngineSpec() };
            _patched = Stopwatch.GetTimestamp();
            await client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch),
                V1Alpha1ModelDeployment.Group, V1Alpha1ModelDeployment.Version, ns, V1Alpha1ModelDeployment.Plural, name,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            var finished = await Task.WhenAny(_done.Task, Task.Delay(patience, cancellationToken)).ConfigureAwait(false);
            lock (_gate)
            {
                if (finished != _done.Task)
                    return new TrialResult(name, null, null, $"not rolled back within {patience.TotalSeconds:0} s " +
                        $"(failure seen: {_failed != 0}, template left revision {goodRevision}: {_leftGood}, back: {_back != 0}, RolledBack: {_rolledBack})");
                var reaction = Stopwatch.GetElapsedTime(_failed, _back);
                return new TrialResult(name, reaction, Stopwatch.GetElapsedTime(_patched, _back), $"pod {_failedPod}");
            }
        }
    }

    private void Observe(TimedChange change)
    {
        lock (_gate)
        {
            switch (change.Kind)
            {
                case "Pod" when _failed == 0 && Instance(change.Object) == name && TerminatedByGpuAssertion(change.Object):
                    (_failed, _failedPod) = (change.Timestamp, change.Name);
                    break;
                case "Deployment" when change.Name == name && _back == 0:
                    bool good = TemplateRevision(change.Object) == goodRevision;
                    if (!good) _leftGood = true;
                    else if (_leftGood && _failed != 0) _back = change.Timestamp;
                    break;
                case V1Alpha1ModelDeployment.EntityKind when change.Name == name:
                    _rolledBack |= ReadyTracker.HasCondition(change.Object, ConditionTypes.RolledBack);
                    break;
            }
            if (_back != 0 && _rolledBack) _done.TrySetResult();
        }
    }

    private static string? Instance(JsonObject pod) => (string?)pod["metadata"]?["labels"]?[EngineLabels.Instance];

    private static string? TemplateRevision(JsonObject deployment) =>
        (string?)deployment["spec"]?["template"]?["metadata"]?["labels"]?[EngineLabels.Revision];

    /// <summary>A container of the pod ended (now or before its restart) with the engine's GPU-assertion exit code.</summary>
    private static bool TerminatedByGpuAssertion(JsonObject pod) =>
        pod["status"]?["containerStatuses"] is JsonArray statuses && statuses.Any(s =>
            ReadyTracker.Number(s?["state"]?["terminated"]?["exitCode"]) == (int)FailureClass.GpuAssertion ||
            ReadyTracker.Number(s?["lastState"]?["terminated"]?["exitCode"]) == (int)FailureClass.GpuAssertion);
}
