using k8s.Models;
using LlmOperator.LocalCluster.Kubelet.Containers;

namespace LlmOperator.LocalCluster.Kubelet.Pods;

/// <summary>
/// Backs a pod's volumes with host folders: <c>emptyDir</c> → an empty folder of the pod (memory-backed ones too:
/// the host decides), <c>configMap</c>/<c>secret</c> → a folder with one file per key (or per <c>items</c> entry,
/// with its mode), <c>hostPath</c> → the host path itself. Other volume types are refused with a clear message.
/// ConfigMap and Secret contents are written once at pod start (no live update as a real kubelet does).
/// </summary>
internal static class VolumeBuilder
{
    public static IReadOnlyDictionary<string, string> Build(V1Pod pod, string podRoot, ConfigLookup config)
    {
        var ns = pod.Metadata.NamespaceProperty ?? "default";
        var folders = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var volume in pod.Spec.Volumes ?? [])
        {
            var folder = Path.Combine(podRoot, "volumes", volume.Name);
            if (volume.EmptyDir is not null)
            {
                Directory.CreateDirectory(folder);
            }
            else if (volume.ConfigMap is { } cm)
            {
                WriteKeys(folder, config.ConfigMap(ns, cm.Name, cm.Optional == true), cm.Items, cm.DefaultMode, volume.Name);
            }
            else if (volume.Secret is { } secret)
            {
                WriteKeys(folder, config.Secret(ns, secret.SecretName, secret.Optional == true), secret.Items, secret.DefaultMode, volume.Name);
            }
            else if (volume.HostPath is { } hostPath)
            {
                folder = HostPath(hostPath, volume.Name);
            }
            else
            {
                throw new ContainerStartException(ContainerStartException.ConfigError,
                    $"volume \"{volume.Name}\": only emptyDir, configMap, secret and hostPath volumes are supported by the local kubelet");
            }

            folders[volume.Name] = folder;
        }

        return folders;
    }

    private static void WriteKeys(string folder, IReadOnlyDictionary<string, byte[]>? data, IList<V1KeyToPath>? items, int? defaultMode, string volume)
    {
        Directory.CreateDirectory(folder);
        if (data is null) return; // optional and missing: an empty folder, as the kubelet mounts it
        var files = items is { Count: > 0 }
            ? items.Select(i => (i.Key, i.Path, i.Mode ?? defaultMode))
            : data.Keys.Select(k => (Key: k, Path: k, Mode: defaultMode));
        foreach (var (key, relative, mode) in files)
        {
            if (!data.TryGetValue(key, out var bytes))
            {
                throw new ContainerStartException(ContainerStartException.ConfigError,
                    $"volume \"{volume}\": configuration key \"{key}\" not found");
            }

            var file = Path.GetFullPath(Path.Combine(folder, relative));
            if (!file.StartsWith(Path.GetFullPath(folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new ContainerStartException(ContainerStartException.ConfigError,
                    $"volume \"{volume}\": item path \"{relative}\" must stay inside the volume (no '..', not absolute)");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllBytes(file, bytes);
            if (mode is { } m && !OperatingSystem.IsWindows()) File.SetUnixFileMode(file, (UnixFileMode)(m & 0x1FF));
        }
    }

    private static string HostPath(V1HostPathVolumeSource source, string volume)
    {
        var path = source.Path;
        if (source.Type is "DirectoryOrCreate") Directory.CreateDirectory(path);
        else if (source.Type is "Directory" && !Directory.Exists(path) || source.Type is "File" && !File.Exists(path))
        {
            throw new ContainerStartException(ContainerStartException.ConfigError,
                $"volume \"{volume}\": hostPath type check failed: {path} is not a {source.Type.ToLowerInvariant()}");
        }

        return path;
    }
}
