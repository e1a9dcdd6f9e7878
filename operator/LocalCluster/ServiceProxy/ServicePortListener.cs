using System.Net;
using System.Net.Sockets;

namespace LlmOperator.LocalCluster.ServiceProxy;

/// <summary>
/// One Service port on a loopback port: each accepted connection goes to the next backend in round-robin order
/// and is relayed byte for byte (TCP level, like kube-proxy: no HTTP parsing, TLS passes through). A backend
/// that refuses the connection is skipped; with no backend left the client's connection is closed. Changing the
/// backends affects new connections only: established ones run until either side closes them.
/// </summary>
internal sealed class ServicePortListener : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<Socket> _open = new();
    private readonly Task _accepting;
    private IReadOnlyList<Backend> _backends = [];
    private Func<Backend, bool>? _admits;
    private int _next = -1;

    /// <param name="preferredPort">The port to take again (a restarted proxy keeps its clients' URLs); 0 for any.</param>
    public ServicePortListener(int preferredPort)
    {
        _listener = Bind(preferredPort);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public IReadOnlyList<Backend> Backends
    {
        get => Volatile.Read(ref _backends);
        set => Volatile.Write(ref _backends, value);
    }

    /// <summary>
    /// Asked at connect time whether a backend may still take a new connection (null: all may). The backends above
    /// follow watch events and so lag the store a little; this check does not, so a pod whose deletion is stored
    /// before a client connects never gets that connection.
    /// </summary>
    public Func<Backend, bool>? Admits
    {
        get => Volatile.Read(ref _admits);
        set => Volatile.Write(ref _admits, value);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_open)
        {
            foreach (var socket in _open) socket.Dispose();
            _open.Clear();
        }

        await _accepting;
        _stop.Dispose();
    }

    private static TcpListener Bind(int preferredPort)
    {
        if (preferredPort > 0)
        {
            try
            {
                var again = new TcpListener(IPAddress.Loopback, preferredPort);
                again.Start();
                return again;
            }
            catch (SocketException)
            {
                // Taken meanwhile: any free port will do.
            }
        }

        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => RelayAsync(client));
        }
    }

    private async Task RelayAsync(Socket client)
    {
        Track(client, true);
        Socket? backend = null;
        try
        {
            backend = await ConnectAsync();
            if (backend is null) return; // no ready endpoint: the client sees its connection closed
            Track(backend, true);
            client.NoDelay = backend.NoDelay = true;
            await Task.WhenAll(PumpAsync(client, backend), PumpAsync(backend, client));
        }
        finally
        {
            Track(client, false);
            client.Dispose();
            if (backend is not null)
            {
                Track(backend, false);
                backend.Dispose();
            }
        }
    }

    /// <summary>The next backend that accepts, trying each at most once.</summary>
    private async Task<Socket?> ConnectAsync()
    {
        var (backends, admits) = (Backends, Admits);
        for (var attempt = 0; attempt < backends.Count; attempt++)
        {
            var backend = backends[(int)((uint)Interlocked.Increment(ref _next) % (uint)backends.Count)];
            if (admits is not null && !admits(backend)) continue;
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(ConnectTimeout);
            try
            {
                await socket.ConnectAsync(IPAddress.Parse(backend.Ip), backend.Port, timeout.Token);
                return socket;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or FormatException)
            {
                socket.Dispose(); // gone between the Endpoints update and now: try the next one
            }
        }

        return null;
    }

    /// <summary>Copies one direction until its source ends, then half-closes the other side so it sees the end too.</summary>
    private static async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None)) > 0)
            {
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // One side reset or the proxy stopped: end both directions.
            try
            {
                to.Shutdown(SocketShutdown.Both);
            }
            catch (Exception again) when (again is SocketException or ObjectDisposedException)
            {
                // Already closed.
            }
        }
    }

    private void Track(Socket socket, bool open)
    {
        lock (_open)
        {
            if (open) _open.Add(socket);
            else _open.Remove(socket);
        }
    }
}
