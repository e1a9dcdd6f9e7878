using System.Collections.Concurrent;
using System.Net;

namespace LlmOperator.LocalCluster.Kubelet.StandIn;

/// <summary>
/// One HTTP listener for every stand-in container of the kubelet, so that hundreds of them cost a dictionary
/// entry each instead of a web host each. <see cref="HttpListener"/> can add and remove ports while it runs; a
/// request is routed to its container by the local port it arrived on. Prefixes use the wildcard host because
/// clients reaching a pod through the service proxy send the proxy's address in their Host header.
/// </summary>
internal sealed class StandInServer : IDisposable
{
    private readonly object _gate = new();
    private readonly HttpListener _listener = new() { IgnoreWriteExceptions = true };
    private readonly ConcurrentDictionary<int, StandInContainer> _containers = new();
    private bool _disposed;

    public void Register(int port, StandInContainer container)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _listener.Prefixes.Add(Prefix(port));
            _containers[port] = container;
            if (_listener.IsListening) return;
            _listener.Start();
            _ = Task.Run(AcceptLoopAsync);
        }
    }

    public void Unregister(int port)
    {
        lock (_gate)
        {
            _containers.TryRemove(port, out _);
            if (!_disposed) _listener.Prefixes.Remove(Prefix(port));
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _listener.Close();
        }
    }

    private static string Prefix(int port) => $"http://*:{port}/";

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // closed
            }

            _ = Task.Run(() => DispatchAsync(context));
        }
    }

    private async Task DispatchAsync(HttpListenerContext context)
    {
        try
        {
            if (_containers.TryGetValue(context.Request.LocalEndPoint.Port, out var container))
            {
                await container.HandleAsync(context).ConfigureAwait(false);
            }
            else
            {
                context.Response.StatusCode = 503;
            }
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away.
        }
        finally
        {
            try
            {
                context.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
            {
                // Already closed or the client went away.
            }
        }
    }
}
