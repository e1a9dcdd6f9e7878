using System.Diagnostics;

namespace LlmOperator.LocalCluster.Kubelet.Processes;

/// <summary>What to execute on the host for one container instance.</summary>
internal sealed record ProcessLaunch(
    string FileName,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Environment,
    string WorkingDirectory);

/// <summary>
/// One container's main process on the host, in a session and process group of its own (started through
/// util-linux <c>setsid</c>) so that signals reach every process it starts — what the container's cgroup gives
/// a real runtime — and so that Ctrl+C in the terminal reaches the kubelet, not the containers directly.
/// Like a container, it ends with its main process: whatever that leaves behind in its group is killed.
/// stdin is closed (a container without <c>stdin: true</c> reads /dev/null); stdout and stderr are captured.
/// </summary>
internal sealed class HostProcess
{
    /// <summary>util-linux <c>setsid</c>, or null where it is missing (then only the main process tree is signalled).</summary>
    public static readonly string? SessionLauncher = ExecutableLookup.Find("setsid");

    // How long output may keep draining after the group is gone (pipes inherited by escaped processes).
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    private readonly Process _process;
    private readonly OrphanWatchdog _watchdog;
    private readonly TaskCompletionSource _mainExited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Set once the group is gone and unregistered: its id may then be reused, so it is never signalled again.
    private volatile bool _finished;

    private HostProcess(ProcessLaunch launch, Action<string> output, OrphanWatchdog watchdog)
    {
        _watchdog = watchdog;
        var start = new ProcessStartInfo(SessionLauncher ?? launch.FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = launch.WorkingDirectory,
        };
        if (SessionLauncher is not null)
        {
            // --wait: should setsid ever need to fork, it still reports the command's exit status.
            start.ArgumentList.Add("--wait");
            start.ArgumentList.Add(launch.FileName);
        }

        foreach (var arg in launch.Arguments) start.ArgumentList.Add(arg);
        start.Environment.Clear();
        foreach (var (name, value) in launch.Environment) start.Environment[name] = value;

        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) output(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output(e.Data); };
        _process.Exited += (_, _) => _mainExited.TrySetResult();
        _process.Start();
        Id = _process.Id;
        StartedAt = DateTime.UtcNow;
        if (SessionLauncher is not null) _watchdog.Track(Id);
        _process.StandardInput.Close();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Exited = WatchAsync();
    }

    public int Id { get; }

    public DateTime StartedAt { get; }

    /// <summary>The exit code (128 + N when killed by signal N), once the process and its group are gone.</summary>
    public Task<int> Exited { get; }

    public static HostProcess Start(ProcessLaunch launch, Action<string> output, OrphanWatchdog watchdog) =>
        new(launch, output, watchdog);

    /// <summary>SIGTERM to every process of the container.</summary>
    public void Terminate()
    {
        if (_finished) return;
        if (SessionLauncher is not null) ProcessSignals.SignalGroup(Id, ProcessSignals.SigTerm);
        else ProcessSignals.Signal(Id, ProcessSignals.SigTerm);
    }

    /// <summary>SIGKILL to the group and to the process tree (descendants that left the group included).</summary>
    public void Kill()
    {
        if (_finished) return;
        if (SessionLauncher is not null) ProcessSignals.SignalGroup(Id, ProcessSignals.SigKill);
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException or System.ComponentModel.Win32Exception)
        {
            // Already exited.
        }
    }

    private async Task<int> WatchAsync()
    {
        await _mainExited.Task.ConfigureAwait(false);
        var code = _process.ExitCode;
        if (SessionLauncher is not null) ProcessSignals.SignalGroup(Id, ProcessSignals.SigKill);
        using (var drain = new CancellationTokenSource(DrainTimeout))
        {
            try
            {
                await _process.WaitForExitAsync(drain.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Something outside the group holds the output pipe open; the log simply ends here.
            }
        }

        _finished = true;
        if (SessionLauncher is not null) _watchdog.Untrack(Id);
        _process.Dispose();
        return code;
    }
}
