using k8s.Models;
using LlmOperator.LocalCluster.Kubelet.Containers;
using LlmOperator.LocalCluster.Kubelet.Probes;

namespace LlmOperator.LocalCluster.Kubelet.Pods;

/// <summary>
/// Keeps one container of a pod going as the kubelet's sync loop does: start an instance, probe it, record how it
/// ended (exit code, reason, termination message), and restart it by the pod's restartPolicy after the
/// CrashLoopBackOff delay — until the policy says it is done or the pod is stopped.
/// </summary>
/// <param name="isInit">An init container: done once it exits 0; a failure is retried unless restartPolicy is Never.</param>
internal sealed class ContainerSupervisor(IPodContext pod, V1Container container, ContainerRecord record, bool isInit = false) : IProbeListener
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly CrashLoopBackOff _backOff = new(
        pod.Services.Options.CrashLoopBackOffInitial, pod.Services.Options.CrashLoopBackOffMax, pod.Services.Options.BackOffReset);
    private TaskCompletionSource<string> _unhealthy = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TimeSpan _stopGrace;

    public string Name => container.Name;

    public async Task RunAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var started = DateTime.UtcNow;
            var exitCode = await RunOnceAsync();
            if (_stopping.IsCancellationRequested) return;
            if (exitCode is { } code && !ShouldRestart(code)) return;
            var delay = _backOff.Next(DateTime.UtcNow - started);
            if (delay <= TimeSpan.Zero) continue;
            if (exitCode is not null)
            {
                var who = $"{pod.Pod.Metadata.Name}_{pod.Pod.Metadata.NamespaceProperty}({pod.Pod.Metadata.Uid})";
                lock (pod.Gate) record.ToWaiting("CrashLoopBackOff", $"back-off {Format(delay)} restarting failed container={Name} pod={who}");
                pod.StatusChanged();
                pod.Record(EventRecorder.Warning, "BackOff", $"Back-off restarting failed container {Name} in pod {who}", Name);
            }

            try
            {
                await Task.Delay(delay, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Stops the running instance (SIGTERM, <paramref name="grace"/>, SIGKILL) and any further restart.</summary>
    public void RequestStop(TimeSpan grace)
    {
        _stopGrace = grace;
        _stopping.Cancel();
    }

    public void OnStarted()
    {
        lock (pod.Gate) record.Started = true;
        pod.StatusChanged();
    }

    public void OnReadiness(bool ready)
    {
        lock (pod.Gate) record.Ready = ready;
        pod.StatusChanged();
    }

    public void OnProbeFailed(string probe, string message) =>
        pod.Record(EventRecorder.Warning, "Unhealthy", $"{probe} probe failed: {message}", Name);

    public void OnUnhealthy(string probe, string message) => _unhealthy.TrySetResult(probe);

    /// <returns>The exit code, or null when no instance could be created (config error: waiting).</returns>
    private async Task<int?> RunOnceAsync()
    {
        var log = new ContainerLog();
        ContainerLaunch launch;
        IContainerInstance instance;
        try
        {
            launch = pod.Services.Launches.Build(pod.Sandbox, container, record.Instances);
            instance = pod.Services.Start(launch, log);
        }
        catch (Exception e) when (e is ContainerStartException { Reason: not ContainerStartException.StartError })
        {
            var failure = (ContainerStartException)e;
            lock (pod.Gate) record.ToWaiting(failure.Reason, failure.Message);
            pod.StatusChanged();
            pod.Record(EventRecorder.Warning, "Failed", $"Error: {failure.Message}", Name);
            return null;
        }
        catch (Exception e) when (e is ContainerStartException or IOException or UnauthorizedAccessException
                                       or System.ComponentModel.Win32Exception or System.Net.HttpListenerException)
        {
            return StartFailed(log, e.Message);
        }

        return await SuperviseAsync(launch, instance, log);
    }

    private async Task<int> SuperviseAsync(ContainerLaunch launch, IContainerInstance instance, ContainerLog log)
    {
        _unhealthy = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (pod.Gate) record.ToRunning(instance, log);
        pod.StatusChanged();
        pod.Record(EventRecorder.Normal, "Created", $"Created container {Name}", Name);
        pod.Record(EventRecorder.Normal, "Started", $"Started container {Name}", Name);
        var probes = new ContainerProbes(container, launch, instance, pod.Services.Probes, this);
        probes.Start();

        var stop = Task.Delay(Timeout.Infinite, _stopping.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        var first = await Task.WhenAny(instance.Exited, _unhealthy.Task, stop);
        if (first == _unhealthy.Task)
        {
            pod.Record(EventRecorder.Normal, "Killing", $"Container {Name} failed {_unhealthy.Task.Result.ToLowerInvariant()} probe, will be restarted", Name);
            await instance.StopAsync(Grace(_unhealthy.Task.Result == "Startup" ? container.StartupProbe : container.LivenessProbe));
        }
        else if (first == stop)
        {
            await instance.StopAsync(_stopGrace);
        }

        var exitCode = await instance.Exited;
        await probes.StopAsync();
        log.Complete();
        var terminated = new V1ContainerStateTerminated
        {
            ExitCode = exitCode,
            Reason = exitCode == 0 ? "Completed" : "Error",
            Message = TerminationMessages.Read(container, launch.TerminationMessageFile, log, exitCode),
            StartedAt = ContainerRecord.Seconds(instance.StartedAt),
            FinishedAt = ContainerRecord.Seconds(DateTime.UtcNow),
        };
        lock (pod.Gate) record.ToTerminated(terminated);
        pod.StatusChanged();
        return exitCode;
    }

    /// <summary>Kubernetes reports a command that cannot be executed as a termination with exit code 128, reason StartError.</summary>
    private int StartFailed(ContainerLog log, string message)
    {
        log.Complete();
        var now = ContainerRecord.Seconds(DateTime.UtcNow);
        lock (pod.Gate)
        {
            record.ToStartFailed(log, new V1ContainerStateTerminated
            {
                ExitCode = 128, Reason = ContainerStartException.StartError, Message = message, StartedAt = now, FinishedAt = now,
            });
        }

        pod.StatusChanged();
        pod.Record(EventRecorder.Warning, "Failed", $"Error: {message}", Name);
        return 128;
    }

    private bool ShouldRestart(int exitCode) => pod.Pod.Spec.RestartPolicy switch
    {
        _ when isInit && exitCode == 0 => false,
        "Never" => false,
        "OnFailure" => exitCode != 0,
        _ => true,
    };

    /// <summary>The grace period of a kill by probe: the probe's own, else the pod's (default 30 s).</summary>
    private TimeSpan Grace(V1Probe? probe) =>
        TimeSpan.FromSeconds(probe?.TerminationGracePeriodSeconds ?? pod.Pod.Spec.TerminationGracePeriodSeconds ?? 30);

    private static string Format(TimeSpan delay) =>
        delay.TotalMinutes >= 1 ? $"{(int)delay.TotalMinutes}m{delay.Seconds}s" : $"{delay.TotalSeconds:0.###}s";
}
