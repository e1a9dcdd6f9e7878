namespace LlmOperator.LocalCluster.Kubelet.Processes;

/// <summary>Resolves a command as <c>execvp</c> does: a name with a slash is a path, otherwise searched on PATH.</summary>
internal static class ExecutableLookup
{
    public static string? Find(string command, string? path = null)
    {
        if (command.Contains('/')) return IsExecutable(command) ? command : null;
        var directories = (path ?? Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin").Split(':');
        return directories
            .Where(d => d.Length > 0)
            .Select(d => Path.Combine(d, command))
            .FirstOrDefault(IsExecutable);
    }

    private static bool IsExecutable(string file)
    {
        if (!File.Exists(file)) return false;
        if (OperatingSystem.IsWindows()) return true;
        var mode = File.GetUnixFileMode(file);
        return (mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
    }
}
