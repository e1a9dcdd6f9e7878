using System.Collections.Concurrent;
using System.Diagnostics;

namespace LlmOperator.LocalCluster.Kubelet.Processes;

/// <summary>
/// Makes sure no container process outlives the kubelet's host process, however that ends.
/// <list type="bullet">
/// <item>A watchdog: a small <c>/bin/sh</c> loop in its own session that reads "add PGID" / "del PGID" lines from
/// a pipe. When the pipe closes — the host exited, crashed, or was killed with SIGKILL — it sends SIGTERM, then
/// SIGKILL, to every process group still registered. Only a separate process can cover SIGKILL of the host.</item>
/// <item>A last resort in-process: <see cref="AppDomain.ProcessExit"/> kills every registered group at once.</item>
/// </list>
/// The normal path is neither: the kubelet stops each container itself (SIGTERM, grace period, SIGKILL) and
/// unregisters it.
/// </summary>
internal sealed class OrphanWatchdog : IDisposable
{
    // Ignores terminal signals (Ctrl+C reaches the whole foreground group): only the closing pipe ends it.
    private const string Script = """
        trap '' INT HUP TERM QUIT
        live=' '
        while read -r op id; do
          case "$op" in
            add) live="$live$id " ;;
            del) case "$live" in *" $id "*) live="${live%% $id *} ${live#* $id }" ;; esac ;;
          esac
        done
        for id in $live; do kill -TERM -"$id" 2>/dev/null; done
        if [ "$live" != ' ' ]; then sleep 1; for id in $live; do kill -KILL -"$id" 2>/dev/null; done; fi
        """;

    private static readonly ConcurrentDictionary<int, byte> AllGroups = new();

    private readonly object _gate = new();
    private readonly Process? _process;
    private bool _closed;

    static OrphanWatchdog()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var group in AllGroups.Keys) ProcessSignals.SignalGroup(group, ProcessSignals.SigKill);
        };
    }

    public OrphanWatchdog()
    {
        if (OperatingSystem.IsWindows()) return;
        var start = new ProcessStartInfo(HostProcess.SessionLauncher ?? "/bin/sh")
        {
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (HostProcess.SessionLauncher is not null) start.ArgumentList.Add("/bin/sh");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        _process = Process.Start(start);
        ProcessId = _process?.Id;
    }

    /// <summary>The watchdog's own process id (tests check it ends), or null when none runs.</summary>
    public int? ProcessId { get; }

    public void Track(int groupId)
    {
        AllGroups[groupId] = 0;
        Send($"add {groupId}");
    }

    public void Untrack(int groupId)
    {
        AllGroups.TryRemove(groupId, out _);
        Send($"del {groupId}");
    }

    /// <summary>Closes the pipe: the watchdog kills whatever is still registered and exits.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_process is null || _closed) return;
            _closed = true;
            try
            {
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The watchdog is already gone.
            }

            _process.WaitForExit(5000);
            _process.Dispose();
        }
    }

    private void Send(string line)
    {
        lock (_gate)
        {
            if (_closed) return;
            try
            {
                _process?.StandardInput.WriteLine(line);
                _process?.StandardInput.Flush();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // The watchdog died or was disposed; ProcessExit and the kubelet's own stop still cover the group.
            }
        }
    }
}
