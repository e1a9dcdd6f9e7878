using System.Runtime.InteropServices;

namespace LlmOperator.LocalCluster.Tests.Kubelet;

/// <summary>Checks on host processes by id, through kill(pid, 0).</summary>
internal static class ProcessAssert
{
    /// <summary>Waits (bounded) until no process of the group is left, zombies included.</summary>
    public static async Task GroupGoneAsync(int groupId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Members(groupId).Count > 0)
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"processes of group {groupId} still alive: {string.Join(", ", Members(groupId))}");
            await Task.Delay(50);
        }
    }

    /// <summary>Live members of a process group, read from /proc (zombies excluded: they are only waiting to be reaped).</summary>
    public static IReadOnlyList<int> Members(int groupId)
    {
        var members = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] != "Z" && int.Parse(fields[2]) == groupId) members.Add(pid);
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }

        return members;
    }

    public static bool Alive(int pid) => Kill(pid, 0) == 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
