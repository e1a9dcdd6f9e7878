using System.Text.Json.Nodes;
using k8s.Models;
using LlmOperator.LocalCluster.Kubelet.Containers;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Kubelet.Pods;

/// <summary>
/// Runs one pod bound to this kubelet's node, from admission to removal: holds the kubelet finalizer, sets up the
/// sandbox (folders, volumes, host ports published as annotations), runs a <see cref="ContainerSupervisor"/> per
/// container, and writes the pod status whenever a container record changes (coalesced: one write in flight).
/// Stopping it stops every container (SIGTERM, grace period, SIGKILL) and, for a deleted pod, releases the
/// finalizer so the API removes it.
/// </summary>
internal sealed partial class PodWorker : IPodContext
{
    private readonly List<ContainerRecord> _initRecords;
    private readonly List<ContainerRecord> _records;
    private readonly List<ContainerSupervisor> _supervisors = new();
    private readonly SemaphoreSlim _statusDue = new(0, 1);
    private readonly CancellationTokenSource _statusStop = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly EventRecorder _events;
    private readonly JsonObject _reference;
    private Task _run = Task.CompletedTask;
    private Task _statusLoop = Task.CompletedTask;
    private PodSandbox? _sandbox;

    public PodWorker(KubeletServices services, JsonObject pod)
    {
        Services = services;
        Pod = TypedObjectStore.FromJson<V1Pod>(pod);
        _reference = new JsonObject
        {
            ["kind"] = "Pod", ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject { ["name"] = Name, ["namespace"] = Namespace, ["uid"] = Uid },
        };
        _events = services.Events(Pod.Spec.NodeName ?? "");
        _initRecords = (Pod.Spec.InitContainers ?? []).Select(c => new ContainerRecord(c.Name, c.Image ?? "")).ToList();
        var waitingFor = _initRecords.Count > 0 ? "PodInitializing" : "ContainerCreating";
        _records = Pod.Spec.Containers.Select(c => new ContainerRecord(c.Name, c.Image ?? "", waitingFor)).ToList();
    }

    public object Gate { get; } = new();

    public V1Pod Pod { get; }

    public KubeletServices Services { get; }

    public PodSandbox Sandbox => _sandbox ?? throw new InvalidOperationException("the pod sandbox is not set up yet");

    public string Uid => Pod.Metadata.Uid ?? "";

    public string Namespace => Pod.Metadata.NamespaceProperty ?? "default";

    public string Name => Pod.Metadata.Name;

    public void Start()
    {
        _statusLoop = Task.Run(StatusLoopAsync);
        _run = Task.Run(RunGuardedAsync);
    }

    /// <summary>
    /// Stops every container within <paramref name="grace"/>, writes the final status, and releases the finalizer
    /// when <paramref name="releaseFinalizer"/> (a deleted pod, or a kubelet shutting down).
    /// </summary>
    public async Task StopAsync(TimeSpan grace, bool releaseFinalizer)
    {
        lock (Gate)
        {
            _stopping.Cancel();
            foreach (var supervisor in _supervisors)
            {
                if (Find(supervisor.Name)?.Running is not null)
                {
                    Record(EventRecorder.Normal, "Killing", $"Stopping container {supervisor.Name}", supervisor.Name);
                }

                supervisor.RequestStop(grace);
            }
        }

        await _run;
        await _statusStop.CancelAsync();
        await _statusLoop;
        WriteStatus();
        if (releaseFinalizer) ChangeFinalizer(add: false);
        _sandbox?.Dispose();
    }

    public void StatusChanged()
    {
        try
        {
            _statusDue.Release();
        }
        catch (SemaphoreFullException)
        {
            // A write is already due; it will carry this change too.
        }
    }

    public void Record(string type, string reason, string message, string? container = null) =>
        _events.Record(_reference, type, reason, message, container is null ? null : $"spec.containers{{{container}}}");

    /// <summary>The current (or previous) instance's log of a container (the only one when none is named); null when there is none.</summary>
    public ContainerLog? Log(string container, bool previous)
    {
        lock (Gate)
        {
            var record = container.Length == 0 && _records.Count == 1 ? _records[0] : Find(container);
            return previous ? record?.PreviousLog : record?.CurrentLog;
        }
    }

    /// <summary>The host process id of a container's running instance (tests and diagnostics).</summary>
    public int? ProcessId(string container)
    {
        lock (Gate) return Find(container)?.Instance?.ProcessId;
    }

    private ContainerRecord? Find(string container) =>
        _records.FirstOrDefault(r => r.Name == container) ?? _initRecords.FirstOrDefault(r => r.Name == container);

    /// <summary>A bug or an unexpected host error must not leave the pod stuck: it is reported, and stopping still works.</summary>
    private async Task RunGuardedAsync()
    {
        try
        {
            await RunAsync();
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"localcluster kubelet: pod {Namespace}/{Name}: {e}");
            Record(EventRecorder.Warning, "FailedSync", $"error running the pod: {e.Message}");
        }
    }

    private async Task RunAsync()
    {
        if (!ChangeFinalizer(add: true)) return;
        StatusChanged();
        if (!await CreateSandboxAsync()) return;
        PublishPorts();
        if (!await InitializeAsync()) return;
        List<Task> running;
        lock (Gate)
        {
            if (_stopping.IsCancellationRequested) return;
            foreach (var container in Pod.Spec.Containers)
            {
                _supervisors.Add(new ContainerSupervisor(this, container, _records.First(r => r.Name == container.Name)));
            }

            running = _supervisors.Select(s => Task.Run(s.RunAsync)).ToList();
        }

        StatusChanged();
        await Task.WhenAll(running);
    }

    /// <summary>Runs the init containers one after the other; false when one failed for good or the pod is stopping.</summary>
    private async Task<bool> InitializeAsync()
    {
        foreach (var container in Pod.Spec.InitContainers ?? [])
        {
            var record = _initRecords.First(r => r.Name == container.Name);
            ContainerSupervisor supervisor;
            lock (Gate)
            {
                if (_stopping.IsCancellationRequested) return false;
                supervisor = new ContainerSupervisor(this, container, record, isInit: true);
                _supervisors.Add(supervisor);
            }

            await supervisor.RunAsync();
            lock (Gate)
            {
                if (record.Terminated?.ExitCode != 0) return false;
            }
        }

        return true;
    }

    private async Task<bool> CreateSandboxAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                _sandbox = PodSandbox.Create(Pod, Services.WorkRoot, Services.Ports, Services.Config);
                return true;
            }
            catch (ContainerStartException e)
            {
                Record(EventRecorder.Warning, "FailedMount", $"MountVolume.SetUp failed: {e.Message}");
            }

            try
            {
                await Task.Delay(Services.Options.CrashLoopBackOffInitial, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return false;
    }

    private async Task StatusLoopAsync()
    {
        while (true)
        {
            try
            {
                await _statusDue.WaitAsync(_statusStop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            WriteStatus();
        }
    }
}
