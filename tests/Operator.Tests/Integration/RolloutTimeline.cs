using System.Diagnostics;
using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;
using LlmOperator.Operator.Reconciliation.DesiredState;

namespace LlmOperator.Operator.Tests.Integration;

/// <summary>
/// When things reached the API server's storage, from watches on the local cluster's store (events arrive as each
/// write is stored): the first termination of a container of a pod outside the good revision (the kubelet's status
/// write), and the first write of the Deployment that puts the good revision's template back after it had left it
/// (the operator's rollback write). Measures the rollback's reaction time; nothing here asserts on it.
/// </summary>
public sealed class RolloutTimeline : IDisposable
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ObjectWatch _pods;
    private readonly ObjectWatch _deployments;
    private readonly Task _watching;
    private readonly string _deployment;
    private readonly string _goodRevision;
    private bool _leftGood;
    private (string Pod, string Termination, TimeSpan At)? _firstFailure;
    private TimeSpan? _rollbackWrite;

    private RolloutTimeline(ObjectStore store, string ns, string deployment, string goodRevision)
    {
        (_deployment, _goodRevision) = (deployment, goodRevision);
        (_, _pods) = store.ListAndWatch(BuiltInTypes.Pods, ns);
        (_, _deployments) = store.ListAndWatch(BuiltInTypes.Deployments, ns);
        _watching = Task.WhenAll(Task.Run(() => WatchAsync(_pods, OnPod)), Task.Run(() => WatchAsync(_deployments, OnDeployment)));
    }

    /// <summary>The first failing pod (name, exit code and reason of its container) and when its termination was stored.</summary>
    public (string Pod, string Termination, TimeSpan At)? FirstFailure
    {
        get
        {
            lock (_gate) return _firstFailure;
        }
    }

    /// <summary>When the Deployment's template went back to the good revision.</summary>
    public TimeSpan? RollbackWrite
    {
        get
        {
            lock (_gate) return _rollbackWrite;
        }
    }

    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    public static RolloutTimeline Start(ObjectStore store, string ns, string deployment, string goodRevision) =>
        new(store, ns, deployment, goodRevision);

    /// <summary>From the failure reaching the API server to the rollback write; null until both happened.</summary>
    public TimeSpan? ReactionTime => FirstFailure is { } failure && RollbackWrite is { } rollback ? rollback - failure.At : null;

    private async Task WatchAsync(ObjectWatch watch, Action<JsonObject> onChange)
    {
        try
        {
            await foreach (var change in watch.Events.ReadAllAsync(_stop.Token))
            {
                if (change.Type is not (WatchEventType.Added or WatchEventType.Modified)) continue;
                lock (_gate) onChange(change.Object);
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    private void OnPod(JsonObject pod)
    {
        if (_firstFailure is not null || (string?)pod["metadata"]?["labels"]?[EngineLabels.Revision] is not { } revision || revision == _goodRevision) return;
        foreach (var status in (pod["status"]?["containerStatuses"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var terminated = status["state"]?["terminated"] ?? status["lastState"]?["terminated"];
            if (terminated is null || (int?)terminated["exitCode"] == 0) continue;
            _firstFailure = ((string)pod["metadata"]!["name"]!, $"exit code {terminated["exitCode"]} ({terminated["reason"]})", Clock.Elapsed);
            return;
        }
    }

    private void OnDeployment(JsonObject deployment)
    {
        if ((string?)deployment["metadata"]?["name"] != _deployment || _rollbackWrite is not null) return;
        var revision = (string?)deployment["spec"]?["template"]?["metadata"]?["labels"]?[EngineLabels.Revision];
        if (revision != _goodRevision) _leftGood = true;
        else if (_leftGood) _rollbackWrite = Clock.Elapsed;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _pods.Dispose();
        _deployments.Dispose();
        _watching.Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}
