using System.Net;
using System.Net.Sockets;

namespace LlmOperator.LocalCluster.Kubelet.Containers;

/// <summary>
/// Free loopback ports for pods: the operating system picks one (bind to port 0), the allocator remembers it
/// until the pod is gone so that two pods never get the same port from it.
/// </summary>
public sealed class PortAllocator
{
    private readonly HashSet<int> _taken = new();

    public int Allocate()
    {
        while (true)
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            lock (_taken)
            {
                if (_taken.Add(port)) return port;
            }
        }
    }

    public void Release(IEnumerable<int> ports)
    {
        lock (_taken)
        {
            foreach (var port in ports) _taken.Remove(port);
        }
    }
}
