namespace LlmOperator.LocalCluster.Kubelet.Containers;

/// <summary>
/// Where the container's paths are on the host. Processes run on the host file system, so a mount cannot
/// appear at its <c>mountPath</c>; instead every command, argument, env value and workingDir that names a
/// mounted path is rewritten to the host folder backing it: the whole value (<c>/models/tiny</c>) or the part
/// after the first <c>=</c> (<c>--model=/models/tiny</c>), when it equals a mountPath or lies below one. The
/// longest mountPath wins. Paths built at run time inside the process (e.g. a shell concatenating strings)
/// are not seen; such containers should read the mount from an env var, which is rewritten too.
/// </summary>
public sealed class PathMapping
{
    private readonly List<(string MountPath, string HostPath, bool ExactOnly)> _entries = new();

    public IReadOnlyList<(string MountPath, string HostPath)> Entries => _entries.Select(e => (e.MountPath, e.HostPath)).ToList();

    /// <summary>Maps a directory (a volume mount): the path itself and everything below it.</summary>
    public void AddDirectory(string mountPath, string hostPath) => Add(mountPath.TrimEnd('/'), hostPath, exactOnly: false);

    /// <summary>Maps one file (the termination message path).</summary>
    public void AddFile(string containerPath, string hostPath) => Add(containerPath, hostPath, exactOnly: true);

    public string Rewrite(string value)
    {
        if (Map(value) is { } whole) return whole;
        var equals = value.IndexOf('=');
        return equals > 0 && Map(value[(equals + 1)..]) is { } tail ? value[..(equals + 1)] + tail : value;
    }

    private string? Map(string value)
    {
        foreach (var (mountPath, hostPath, exactOnly) in _entries)
        {
            if (value == mountPath) return hostPath;
            if (!exactOnly && value.StartsWith(mountPath + "/", StringComparison.Ordinal)) return hostPath + value[mountPath.Length..];
        }

        return null;
    }

    private void Add(string containerPath, string hostPath, bool exactOnly)
    {
        // "/" would capture every absolute path of the host too; a mount at the root is not mapped.
        if (containerPath.Length == 0 || containerPath == "/") return;
        _entries.RemoveAll(e => e.MountPath == containerPath);
        _entries.Add((containerPath, hostPath, exactOnly));
        _entries.Sort((a, b) => b.MountPath.Length.CompareTo(a.MountPath.Length));
    }
}
