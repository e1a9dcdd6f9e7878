using System.Runtime.InteropServices;

namespace LlmOperator.LocalCluster.Kubelet.Processes;

/// <summary>
/// POSIX signals to processes and process groups. .NET's Process.Kill only sends SIGKILL; a kubelet sends
/// SIGTERM first and SIGKILL after the grace period, to every process of the container.
/// </summary>
internal static class ProcessSignals
{
    public const int SigTerm = 15, SigKill = 9;

    /// <summary>Signals the process group led by <paramref name="groupId"/>; false when it has no process left.</summary>
    public static bool SignalGroup(int groupId, int signal) => OperatingSystem.IsWindows() ? false : Kill(-groupId, signal) == 0;

    public static bool Signal(int processId, int signal) => OperatingSystem.IsWindows() ? false : Kill(processId, signal) == 0;

    /// <summary>True while a process with this id exists (signal 0 checks without sending anything).</summary>
    public static bool Exists(int processId) => !OperatingSystem.IsWindows() && (Kill(processId, 0) == 0 || Marshal.GetLastPInvokeError() == 1);

    /// <summary>True while the group has a member.</summary>
    public static bool GroupExists(int groupId) => !OperatingSystem.IsWindows() && (Kill(-groupId, 0) == 0 || Marshal.GetLastPInvokeError() == 1);

    // DllImport rather than LibraryImport: the latter needs unsafe code enabled for the whole project.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
