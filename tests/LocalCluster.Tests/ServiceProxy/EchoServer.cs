using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LlmOperator.LocalCluster.Tests.ServiceProxy;

/// <summary>A loopback TCP server answering each line with "&lt;name&gt;:&lt;line&gt;", standing in for a pod behind a Service.</summary>
internal sealed class EchoServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();

    public EchoServer(string name)
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                _ = Task.Run(() => ServeAsync(client, name));
            }
        });
    }

    public int Port { get; }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }

    private static async Task ServeAsync(TcpClient client, string name)
    {
        using (client)
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.UTF8);
            try
            {
                while (await reader.ReadLineAsync() is { } line)
                {
                    await stream.WriteAsync(Encoding.UTF8.GetBytes($"{name}:{line}\n"));
                }
            }
            catch (IOException)
            {
                // The client went away.
            }
        }
    }
}
