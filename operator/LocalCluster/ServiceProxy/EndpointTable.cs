using k8s.Models;

namespace LlmOperator.LocalCluster.ServiceProxy;

/// <summary>Where a connection to a Service port may go: a ready pod's host port.</summary>
public sealed record Backend(string Ip, int Port, string? PodNamespace, string? PodName);

/// <summary>
/// kube-proxy's translation of an Endpoints object into the backends of one Service port, as pure code: the
/// Endpoints port whose name equals the Service port's name (both empty for a single-port Service), paired with
/// each ready address of its subset; <c>notReadyAddresses</c> never get traffic. In this cluster the Endpoints
/// controller writes each pod's host port as the port. As a second guard against the Endpoints controller's lag,
/// an address whose targetRef names a pod the proxy knows to be unready or terminating is left out too.
/// </summary>
public static class EndpointTable
{
    /// <param name="podRoutable">Whether a pod (namespace, name) may take traffic; null when the proxy knows nothing of it.</param>
    public static IReadOnlyList<Backend> Backends(V1ServicePort servicePort, V1Endpoints? endpoints, Func<string, string, bool?> podRoutable)
    {
        var backends = new List<Backend>();
        foreach (var subset in endpoints?.Subsets ?? [])
        {
            var port = subset.Ports?.FirstOrDefault(p => (p.Name ?? "") == (servicePort.Name ?? ""));
            if (port is null || (port.Protocol ?? "TCP") != "TCP") continue;
            foreach (var address in subset.Addresses ?? [])
            {
                var pod = address.TargetRef is { Kind: "Pod" } target ? (target.NamespaceProperty ?? endpoints!.Metadata.NamespaceProperty, target.Name) : default;
                if (pod.Name is not null && podRoutable(pod.Item1 ?? "", pod.Name) == false) continue;
                backends.Add(new Backend(address.Ip, port.Port, pod.Item1, pod.Name));
            }
        }

        return backends;
    }
}
