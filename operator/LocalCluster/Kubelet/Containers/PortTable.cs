using k8s.Models;

namespace LlmOperator.LocalCluster.Kubelet.Containers;

/// <summary>
/// A pod's ports on the host. All pods share the loopback interface, so each containerPort (and each probe port
/// not declared as one) gets a free host port of its own. The process learns it three ways:
/// <list type="bullet">
/// <item><c>PORT</c> = the host port of the container's first port, unless the container sets PORT itself
/// (a PORT value naming a containerPort is translated);</item>
/// <item>a flag ending in <c>port</c> (<c>--port 8000</c>, <c>--port=8000</c>, <c>--metrics-port 9090</c>)
/// whose value is a declared containerPort gets the host port instead;</item>
/// <item>the pod annotation <c>localcluster.llmoperator.dev/port-&lt;containerPort&gt;</c> = host port, which the
/// Endpoints controller, the probes and clients read.</item>
/// </list>
/// </summary>
public sealed class PortTable(IReadOnlyDictionary<int, int> hostPorts, IReadOnlyDictionary<string, int> named)
{
    public const string AnnotationPrefix = "localcluster.llmoperator.dev/port-";

    /// <summary>containerPort → host port.</summary>
    public IReadOnlyDictionary<int, int> HostPorts { get; } = hostPorts;

    /// <summary>Allocates host ports for every containerPort and numeric probe port of the pod.</summary>
    public static PortTable Allocate(V1PodSpec spec, PortAllocator allocator)
    {
        var hostPorts = new Dictionary<int, int>();
        var named = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var container in spec.Containers ?? [])
        {
            foreach (var port in container.Ports ?? [])
            {
                if (!hostPorts.ContainsKey(port.ContainerPort)) hostPorts[port.ContainerPort] = allocator.Allocate();
                if (port.Name is { Length: > 0 } name) named[name] = port.ContainerPort;
            }

            foreach (var probe in new[] { container.StartupProbe, container.ReadinessProbe, container.LivenessProbe })
            {
                var port = probe?.HttpGet?.Port ?? probe?.TcpSocket?.Port;
                if (port?.Value is { } text && int.TryParse(text, out var number) && !hostPorts.ContainsKey(number))
                {
                    hostPorts[number] = allocator.Allocate();
                }
            }
        }

        return new PortTable(hostPorts, named);
    }

    /// <summary>The host port for a port given by number or by name; null when the pod does not declare it.</summary>
    public int? HostPort(IntOrString? port)
    {
        if (port?.Value is not { } text) return null;
        if (int.TryParse(text, out var number)) return HostPorts.TryGetValue(number, out var host) ? host : null;
        return named.TryGetValue(text, out var declared) && HostPorts.TryGetValue(declared, out var byName) ? byName : null;
    }

    /// <summary>Translates a value that names a declared containerPort; anything else is returned unchanged.</summary>
    public string TranslateValue(string value) =>
        int.TryParse(value, out var number) && HostPorts.TryGetValue(number, out var host) ? host.ToString() : value;

    /// <summary>Rewrites port flags (<c>--*port N</c>, <c>--*port=N</c>) whose value is a declared containerPort.</summary>
    public IReadOnlyList<string> RewriteArguments(IReadOnlyList<string> args)
    {
        var result = new List<string>(args.Count);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var equals = arg.IndexOf('=');
            if (IsPortFlag(arg) && i + 1 < args.Count)
            {
                result.Add(arg);
                result.Add(TranslateValue(args[++i]));
            }
            else if (equals > 0 && IsPortFlag(arg[..equals]))
            {
                result.Add(arg[..(equals + 1)] + TranslateValue(arg[(equals + 1)..]));
            }
            else
            {
                result.Add(arg);
            }
        }

        return result;
    }

    /// <summary>The environment value of PORT: the container's first declared port, on the host.</summary>
    public string? DefaultPort(V1Container container) =>
        container.Ports?.FirstOrDefault() is { } first && HostPorts.TryGetValue(first.ContainerPort, out var host) ? host.ToString() : null;

    private static bool IsPortFlag(string arg) =>
        arg.StartsWith('-') && !arg.Contains('=') && arg.EndsWith("port", StringComparison.OrdinalIgnoreCase);
}
