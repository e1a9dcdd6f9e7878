using System.Diagnostics;
using System.Net.Sockets;
using k8s.Models;
using LlmOperator.LocalCluster.Kubelet.Containers;
using LlmOperator.LocalCluster.Kubelet.Processes;
using LlmOperator.LocalCluster.Kubelet.StandIn;

namespace LlmOperator.LocalCluster.Kubelet.Probes;

/// <summary>The outcome of one probe run, with the kubelet's wording for failures (shown in Unhealthy Events).</summary>
internal readonly record struct ProbeResult(bool Success, string Message);

/// <summary>
/// Runs one probe against a container: <c>httpGet</c> (2xx/3xx is success, on the pod's host port for the probe's
/// port, certificates not verified, as the kubelet does), <c>tcpSocket</c> (a connection opens) or <c>exec</c> (the
/// command, run on the host with the container's environment and paths, exits 0), within <c>timeoutSeconds</c>.
/// HTTP probes of the stand-in image are answered in-process (<see cref="StandInContainer.ProbeStatus"/>).
/// </summary>
internal sealed class ProbeRunner : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        UseProxy = false, // a proxy from the host's environment must not stand between the kubelet and its pods
        SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public async Task<ProbeResult> RunAsync(V1Probe probe, ContainerLaunch launch, IContainerInstance instance, CancellationToken cancellationToken)
    {
        if (instance is StandInContainer standIn && probe.HttpGet is { } get) return StandIn(standIn, get);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, probe.TimeoutSeconds ?? 1)));
        if (probe.HttpGet is { } http) return await HttpAsync(http, launch.Ports, timeout.Token);
        if (probe.TcpSocket is { } tcp) return await TcpAsync(tcp, launch.Ports, timeout.Token);
        if (probe.Exec is { } exec) return await ExecAsync(exec, launch, timeout.Token);
        return new ProbeResult(false, "only httpGet, tcpSocket and exec probes are supported by the local kubelet");
    }

    public void Dispose() => _http.Dispose();

    private static ProbeResult StandIn(StandInContainer standIn, V1HTTPGetAction action)
    {
        var status = standIn.ProbeStatus(action.Path is { Length: > 0 } p ? (p.StartsWith('/') ? p : "/" + p) : "/");
        return status is >= 200 and < 400 ? new ProbeResult(true, "") : new ProbeResult(false, $"HTTP probe failed with statuscode: {status}");
    }

    private async Task<ProbeResult> HttpAsync(V1HTTPGetAction action, PortTable ports, CancellationToken ct)
    {
        if (ports.HostPort(action.Port) is not { } port) return new ProbeResult(false, $"port {action.Port?.Value} is not a port of the pod");
        var scheme = action.Scheme?.ToLowerInvariant() == "https" ? "https" : "http";
        var path = action.Path is { Length: > 0 } p ? (p.StartsWith('/') ? p : "/" + p) : "/";
        var url = $"{scheme}://127.0.0.1:{port}{path}";
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.ConnectionClose = true; // the kubelet opens a connection per probe (keep-alives disabled)
        request.Headers.UserAgent.ParseAdd("kube-probe/1.32");
        foreach (var header in action.HttpHeaders ?? []) request.Headers.TryAddWithoutValidation(header.Name, header.Value);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var code = (int)response.StatusCode;
            return code is >= 200 and < 400
                ? new ProbeResult(true, "")
                : new ProbeResult(false, $"HTTP probe failed with statuscode: {code}");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            return new ProbeResult(false, $"Get \"{url}\": {(e is OperationCanceledException ? "context deadline exceeded" : e.Message)}");
        }
    }

    private static async Task<ProbeResult> TcpAsync(V1TCPSocketAction action, PortTable ports, CancellationToken ct)
    {
        if (ports.HostPort(action.Port) is not { } port) return new ProbeResult(false, $"port {action.Port?.Value} is not a port of the pod");
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port, ct);
            return new ProbeResult(true, "");
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return new ProbeResult(false, $"dial tcp 127.0.0.1:{port}: {(e is OperationCanceledException ? "i/o timeout" : e.Message)}");
        }
    }

    private static async Task<ProbeResult> ExecAsync(V1ExecAction action, ContainerLaunch launch, CancellationToken ct)
    {
        var command = (action.Command ?? []).Select(launch.Paths.Rewrite).ToList();
        var env = launch.Process.Environment;
        if (command.Count == 0 || ExecutableLookup.Find(command[0], env.GetValueOrDefault("PATH")) is not { } executable)
        {
            return new ProbeResult(false, $"exec probe: command \"{command.FirstOrDefault()}\" not found on the host");
        }

        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = launch.Process.WorkingDirectory,
        };
        foreach (var arg in command.Skip(1)) start.ArgumentList.Add(arg);
        start.Environment.Clear();
        foreach (var (name, value) in env) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct);
            var text = (await output + await errors).Trim();
            return process.ExitCode == 0
                ? new ProbeResult(true, text)
                : new ProbeResult(false, $"command exited with {process.ExitCode}: {text}");
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return new ProbeResult(false, "command timed out");
        }
    }
}
