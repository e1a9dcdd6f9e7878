using k8s.Models;
using LlmOperator.LocalCluster.Controllers.Objects;

namespace LlmOperator.LocalCluster.Controllers.Endpoints;

/// <summary>
/// A Service's Endpoints subsets from its pods (the endpoints controller's syncService, then
/// RepackSubsets): ready pods under addresses, the others under notReadyAddresses, each with the
/// service ports resolved against the pod's container ports; pods with equal port sets share a subset.
/// </summary>
/// <remarks>
/// Seam with the kubelet: every pod of the local cluster has podIP 127.0.0.1, so pods are told apart
/// by port. The kubelet allocates a host port for each container port of each pod and records it
/// on the pod as the annotation <c>localcluster.llmoperator.dev/port-&lt;containerPort&gt;</c> =
/// <c>"&lt;hostPort&gt;"</c>. Where that annotation exists, the endpoint port is the host port (what
/// a client or the service proxy can connect to), and the port keeps its service port name.
/// </remarks>
public static class EndpointSubsets
{
    public const string HostPortAnnotationPrefix = "localcluster.llmoperator.dev/port-";

    public static List<V1EndpointSubset> Build(V1Service service, IEnumerable<V1Pod> pods)
    {
        var publishNotReady = service.Spec?.PublishNotReadyAddresses == true;
        var groups = new Dictionary<string, (List<Corev1EndpointPort> Ports, List<V1EndpointAddress> Ready, List<V1EndpointAddress> NotReady)>(StringComparer.Ordinal);
        foreach (var pod in pods.Where(p => ShouldBeInEndpoints(p, publishNotReady)))
        {
            var ports = (service.Spec?.Ports ?? []).Select(p => Resolve(p, pod)).OfType<Corev1EndpointPort>()
                .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Port).ToList();
            if (ports.Count == 0 && (service.Spec?.Ports?.Count ?? 0) > 0) continue;
            var key = string.Join(",", ports.Select(p => $"{p.Name}/{p.Port}/{p.Protocol}"));
            if (!groups.TryGetValue(key, out var group)) groups[key] = group = (ports, [], []);
            var address = Address(pod);
            if (publishNotReady || PodConditions.IsReady(pod)) group.Ready.Add(address);
            else group.NotReady.Add(address);
        }

        return groups.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new V1EndpointSubset
        {
            Addresses = NullIfEmpty(Sorted(g.Value.Ready)),
            NotReadyAddresses = NullIfEmpty(Sorted(g.Value.NotReady)),
            Ports = NullIfEmpty(g.Value.Ports),
        }).ToList();
    }

    /// <summary>
    /// The endpoint port of one service port on one pod: targetPort by number or by container port
    /// name (unset means the service port), mapped to the pod's host port; null when the pod has no such named port.
    /// </summary>
    public static Corev1EndpointPort? Resolve(V1ServicePort servicePort, V1Pod pod)
    {
        var protocol = servicePort.Protocol ?? "TCP";
        var target = servicePort.TargetPort?.Value;
        int containerPort;
        if (string.IsNullOrEmpty(target)) containerPort = servicePort.Port;
        else if (int.TryParse(target, out var number)) containerPort = number;
        else
        {
            var named = (pod.Spec?.Containers ?? []).SelectMany(c => c.Ports ?? [])
                .FirstOrDefault(p => p.Name == target && (p.Protocol ?? "TCP") == protocol);
            if (named is null) return null;
            containerPort = named.ContainerPort;
        }

        var port = pod.Metadata.Annotations?.TryGetValue(HostPortAnnotationPrefix + containerPort, out var host) == true &&
                   int.TryParse(host, out var hostPort) ? hostPort : containerPort;
        return new Corev1EndpointPort { Name = servicePort.Name, Port = port, Protocol = protocol };
    }

    /// <summary>Pods with an IP that have not finished; terminating ones only when unready addresses are published.</summary>
    private static bool ShouldBeInEndpoints(V1Pod pod, bool publishNotReady) =>
        !string.IsNullOrEmpty(pod.Status?.PodIP) && !PodConditions.IsTerminal(pod) &&
        (pod.Metadata.DeletionTimestamp is null || publishNotReady);

    private static V1EndpointAddress Address(V1Pod pod) => new()
    {
        Ip = pod.Status.PodIP,
        NodeName = string.IsNullOrEmpty(pod.Spec?.NodeName) ? null : pod.Spec.NodeName,
        TargetRef = new V1ObjectReference
        {
            Kind = "Pod", NamespaceProperty = pod.Metadata.NamespaceProperty, Name = pod.Metadata.Name, Uid = pod.Metadata.Uid,
        },
    };

    private static List<V1EndpointAddress> Sorted(List<V1EndpointAddress> addresses) =>
        addresses.OrderBy(a => a.Ip, StringComparer.Ordinal).ThenBy(a => a.TargetRef.Name, StringComparer.Ordinal).ToList();

    private static List<T>? NullIfEmpty<T>(List<T> items) => items.Count == 0 ? null : items;
}
