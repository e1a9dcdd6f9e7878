using System.Runtime.InteropServices;
using k8s.Models;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Scheduling;

/// <summary>
/// The Node objects of the local cluster, shaped like a kubelet's registration: capacity and allocatable
/// (cpu, memory, pods, <c>nvidia.com/gpu</c>), a Ready condition, the loopback address and node info.
/// </summary>
public static class LocalNodes
{
    public const string KubeletVersion = "v1.32.0";

    /// <summary>Creates or replaces the nodes (a restarted kubelet re-registers, as a real one does).</summary>
    public static IReadOnlyList<V1Node> Register(ObjectStore store, LocalNodeOptions options)
    {
        options.Validate();
        var nodes = new List<V1Node>();
        foreach (var name in options.NodeNames)
        {
            var node = Build(name, options, DateTime.UtcNow);
            if (store.Get<V1Node>(BuiltInTypes.Nodes, null, name) is { } existing)
            {
                node.Metadata.ResourceVersion = null;
                node.Metadata.Labels = existing.Metadata.Labels ?? node.Metadata.Labels;
                node.Spec = existing.Spec;
                store.Update(BuiltInTypes.Nodes, node);
                nodes.Add(store.Update(BuiltInTypes.Nodes, node, ObjectStore.UpdateScope.Status));
            }
            else
            {
                var created = store.Create(BuiltInTypes.Nodes, node);
                created.Status = node.Status;
                nodes.Add(store.Update(BuiltInTypes.Nodes, created, ObjectStore.UpdateScope.Status));
            }
        }

        return nodes;
    }

    /// <summary>Marks the nodes NotReady (status Unknown), as the node controller does when a kubelet stops posting.</summary>
    public static void MarkUnknown(ObjectStore store, LocalNodeOptions options)
    {
        foreach (var name in options.NodeNames)
        {
            if (store.Get<V1Node>(BuiltInTypes.Nodes, null, name) is not { } node) continue;
            var ready = node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
            if (ready is null) continue;
            ready.Status = "Unknown";
            ready.Reason = "NodeStatusUnknown";
            ready.Message = "Kubelet stopped posting node status.";
            ready.LastTransitionTime = DateTime.UtcNow;
            store.Update(BuiltInTypes.Nodes, node, ObjectStore.UpdateScope.Status);
        }
    }

    public static V1Node Build(string name, LocalNodeOptions options, DateTime now)
    {
        var resources = new Dictionary<string, ResourceQuantity>
        {
            ["cpu"] = new(Environment.ProcessorCount.ToString()),
            ["memory"] = new($"{MemoryKibibytes()}Ki"),
            ["pods"] = new(options.MaxPods.ToString()),
            ["ephemeral-storage"] = new("100Gi"),
            [LocalNodeOptions.GpuResource] = new(options.GpusPerNode.ToString()),
        };
        return new V1Node
        {
            ApiVersion = "v1",
            Kind = "Node",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                Labels = new Dictionary<string, string>
                {
                    ["kubernetes.io/hostname"] = name,
                    ["kubernetes.io/os"] = "linux",
                    ["kubernetes.io/arch"] = Architecture(),
                    ["nvidia.com/gpu.count"] = options.GpusPerNode.ToString(),
                },
            },
            Spec = new V1NodeSpec(),
            Status = new V1NodeStatus
            {
                Capacity = resources,
                Allocatable = new Dictionary<string, ResourceQuantity>(resources),
                Conditions =
                [
                    Condition("Ready", "True", "KubeletReady", "kubelet is posting ready status", now),
                    Condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", now),
                    Condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", now),
                    Condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", now),
                ],
                Addresses =
                [
                    new V1NodeAddress { Address = "127.0.0.1", Type = "InternalIP" },
                    new V1NodeAddress { Address = name, Type = "Hostname" },
                ],
                NodeInfo = new V1NodeSystemInfo
                {
                    Architecture = Architecture(), BootID = name, ContainerRuntimeVersion = "localcluster://1.0",
                    KernelVersion = Environment.OSVersion.Version.ToString(), KubeProxyVersion = KubeletVersion,
                    KubeletVersion = KubeletVersion, MachineID = name, OperatingSystem = "linux",
                    OsImage = RuntimeInformation.OSDescription, SystemUUID = name,
                },
            },
        };
    }

    private static V1NodeCondition Condition(string type, string status, string reason, string message, DateTime now) =>
        new()
        {
            Status = status, Type = type, LastHeartbeatTime = now, LastTransitionTime = now, Message = message, Reason = reason,
        };

    private static string Architecture() => RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "amd64",
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        var other => other.ToString().ToLowerInvariant(),
    };

    private static long MemoryKibibytes() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024;
}
