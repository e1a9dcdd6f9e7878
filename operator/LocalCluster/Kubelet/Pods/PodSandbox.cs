using k8s.Models;
using LlmOperator.LocalCluster.Kubelet.Containers;

namespace LlmOperator.LocalCluster.Kubelet.Pods;

/// <summary>
/// What a pod's containers share, as a pod sandbox does: a folder on the host
/// (<c>&lt;work root&gt;/&lt;namespace&gt;_&lt;name&gt;_&lt;uid&gt;</c>) holding the volumes and each container instance's
/// files, and the pod's host ports. Removed with the pod.
/// </summary>
internal sealed class PodSandbox : IDisposable
{
    private readonly PortAllocator _allocator;

    private PodSandbox(V1Pod pod, string root, IReadOnlyDictionary<string, string> volumes, PortTable ports, PortAllocator allocator)
    {
        Pod = pod;
        Root = root;
        Volumes = volumes;
        Ports = ports;
        _allocator = allocator;
    }

    public V1Pod Pod { get; }

    public string Root { get; }

    /// <summary>Volume name → host folder (or file, for hostPath).</summary>
    public IReadOnlyDictionary<string, string> Volumes { get; }

    public PortTable Ports { get; }

    public static PodSandbox Create(V1Pod pod, string workRoot, PortAllocator allocator, ConfigLookup config)
    {
        var uid = pod.Metadata.Uid ?? Guid.NewGuid().ToString();
        var root = Path.Combine(workRoot, $"{pod.Metadata.NamespaceProperty}_{pod.Metadata.Name}_{uid[..Math.Min(8, uid.Length)]}");
        Directory.CreateDirectory(root);
        try
        {
            var volumes = VolumeBuilder.Build(pod, root, config);
            return new PodSandbox(pod, root, volumes, PortTable.Allocate(pod.Spec, allocator), allocator);
        }
        catch
        {
            TryDelete(root);
            throw;
        }
    }

    /// <summary>A fresh folder for one instance of a container (its termination-message file lives there).</summary>
    public string InstanceDirectory(string container, int restartCount)
    {
        var dir = Path.Combine(Root, "containers", container, restartCount.ToString());
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>The container's working directory when it names none: one per container, kept across restarts.</summary>
    public string WorkingDirectory(string container)
    {
        var dir = Path.Combine(Root, "containers", container, "work");
        Directory.CreateDirectory(dir);
        return dir;
    }

    public void Dispose()
    {
        _allocator.Release(Ports.HostPorts.Values);
        TryDelete(Root);
    }

    private static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file still held open by a dying process; the work root is temporary anyway.
        }
    }
}
