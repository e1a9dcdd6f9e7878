using k8s.Models;
using LlmOperator.LocalCluster.Kubelet.Containers;

namespace LlmOperator.LocalCluster.Kubelet.Probes;

/// <summary>What probe results mean to the container's supervisor.</summary>
internal interface IProbeListener
{
    /// <summary>The startup probe succeeded (or there is none): <c>started</c> becomes true.</summary>
    void OnStarted();

    /// <summary>Readiness changed.</summary>
    void OnReadiness(bool ready);

    /// <summary>One probe run failed ("Readiness", "Liveness", "Startup"): an Unhealthy Event.</summary>
    void OnProbeFailed(string probe, string message);

    /// <summary>A liveness or startup probe reached its failureThreshold: the container must be restarted.</summary>
    void OnUnhealthy(string probe, string message);
}

/// <summary>
/// The probe workers of one container instance, with the kubelet's rules (pkg/kubelet/prober/worker.go): a probe
/// first runs <c>initialDelaySeconds</c> after the container started, then every <c>periodSeconds</c>; its result
/// flips after <c>successThreshold</c> consecutive successes or <c>failureThreshold</c> consecutive failures.
/// Readiness starts false; liveness and readiness run only after the startup probe succeeded; a failed startup
/// or liveness probe gets the container restarted.
/// </summary>
internal sealed class ContainerProbes(V1Container container, ContainerLaunch launch, IContainerInstance instance, ProbeRunner runner, IProbeListener listener)
{
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;

    public void Start() => _run = Task.Run(() => RunAsync(_stop.Token));

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _run;
        }
        catch (OperationCanceledException)
        {
            // Stopped mid-probe.
        }

        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken ct)
    {
        if (container.StartupProbe is { } startup && !await RunAsync("Startup", startup, untilSuccess: true, ct)) return;
        listener.OnStarted();
        var readiness = container.ReadinessProbe is { } ready
            ? RunAsync("Readiness", ready, untilSuccess: false, ct)
            : Task.FromResult(Ready());
        var liveness = container.LivenessProbe is { } live ? RunAsync("Liveness", live, untilSuccess: false, ct) : Task.FromResult(true);
        await Task.WhenAll(readiness, liveness);
    }

    private bool Ready()
    {
        listener.OnReadiness(true);
        return true;
    }

    /// <returns>False when the probe failed for good (startup/liveness) and the container is being restarted.</returns>
    private async Task<bool> RunAsync(string kind, V1Probe probe, bool untilSuccess, CancellationToken ct)
    {
        var period = TimeSpan.FromSeconds(Math.Max(1, probe.PeriodSeconds ?? 10));
        var successThreshold = Math.Max(1, probe.SuccessThreshold ?? 1);
        var failureThreshold = Math.Max(1, probe.FailureThreshold ?? 3);
        var firstRun = instance.StartedAt + TimeSpan.FromSeconds(probe.InitialDelaySeconds ?? 0);
        if (firstRun > DateTime.UtcNow) await Task.Delay(firstRun - DateTime.UtcNow, ct);

        bool? state = kind == "Readiness" ? false : null;
        int successes = 0, failures = 0;
        while (!ct.IsCancellationRequested)
        {
            var result = await runner.RunAsync(probe, launch, instance, ct);
            ct.ThrowIfCancellationRequested();
            (successes, failures) = result.Success ? (successes + 1, 0) : (0, failures + 1);
            if (!result.Success) listener.OnProbeFailed(kind, result.Message);
            if (result.Success && successes >= successThreshold && state != true)
            {
                state = true;
                if (untilSuccess) return true;
                if (kind == "Readiness") listener.OnReadiness(true);
            }
            else if (!result.Success && failures >= failureThreshold && state != false)
            {
                state = false;
                if (kind == "Readiness") listener.OnReadiness(false);
                else
                {
                    listener.OnUnhealthy(kind, result.Message);
                    return false;
                }
            }

            await Task.Delay(period, ct);
        }

        return false;
    }
}
