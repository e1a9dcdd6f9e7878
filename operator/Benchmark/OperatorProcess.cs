using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LlmOperator.LocalCluster.Kubelet.Containers;

namespace LlmOperator.Operator.Benchmark;

/// <summary>
/// The operator's <c>run</c> command as a child process (<c>dotnet LlmOperator.Operator.dll run --kubeconfig ...</c>),
/// so that its memory and CPU are its own and it can be killed like a pod. Its log lines are kept for the caller
/// (the benchmark reads the reconcile durations from them); its metrics port is a free one.
/// </summary>
public sealed class OperatorProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private OperatorProcess(Process process, int metricsPort)
    {
        _process = process;
        MetricsAddress = new Uri($"http://127.0.0.1:{metricsPort}");
    }

    public int Id => _process.Id;

    /// <summary>http://127.0.0.1:PORT, serving /metrics, /healthz and /readyz.</summary>
    public Uri MetricsAddress { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts <c>run --kubeconfig KUBECONFIG --metrics-port P</c> (no webhooks: what is measured is the reconciler) plus <paramref name="arguments"/>,
    /// with <paramref name="environment"/> added (e.g. a log level) to this process's environment.
    /// </summary>
    public static OperatorProcess Start(string kubeconfig, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        int metricsPort = FreePort();
        var start = new ProcessStartInfo(EngineLocator.DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[typeof(OperatorProcess).Assembly.Location, "run", "--kubeconfig", kubeconfig,
                     "--metrics-port", $"{metricsPort}", .. arguments])
            start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        // Console colours would put escape codes into the lines the caller parses.
        start.Environment["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = "false";
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        var child = new OperatorProcess(process, metricsPort);
        process.OutputDataReceived += (_, e) => child.Add(e.Data);
        process.ErrorDataReceived += (_, e) => child.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>The log lines so far (stdout and stderr).</summary>
    public IReadOnlyList<string> Lines()
    {
        lock (_lines) return [.. _lines];
    }

    /// <summary>Resident memory, its peak and CPU time now; null once the process has exited.</summary>
    public ProcessSample? Sample() => HasExited ? null : ProcessSample.Read(_process.Id);

    /// <summary>GET of a path on the metrics port; null when the process does not answer (yet).</summary>
    public async Task<string?> GetAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.GetStringAsync(new Uri(MetricsAddress, path), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Whether /readyz says this process holds the lease (without --leader-elect: runs the controller).</summary>
    public async Task<bool> IsLeadingAsync(CancellationToken cancellationToken) =>
        await GetAsync("/readyz", cancellationToken).ConfigureAwait(false) == "ok: leading";

    /// <summary>Waits until /healthz answers; throws with the process's last lines when it exits or takes too long.</summary>
    public async Task WaitUntilServingAsync(TimeSpan patience, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (await GetAsync("/healthz", cancellationToken).ConfigureAwait(false) is null)
        {
            if (HasExited || deadline.Elapsed > patience)
                throw new InvalidOperationException($"the operator process {(HasExited ? $"exited with {_process.ExitCode}" : $"did not serve /healthz within {patience.TotalSeconds:0} s")}; " +
                                                    $"its last lines:{Environment.NewLine}{string.Join(Environment.NewLine, Lines().TakeLast(20))}");
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>SIGKILL, as a node dying or the OOM killer would: no graceful shutdown, the lease is not released.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
        _http.Dispose();
    }

    private void Add(string? line)
    {
        if (line is null) return;
        lock (_lines) _lines.Add(line);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
