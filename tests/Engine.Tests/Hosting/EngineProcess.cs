using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LlmOperator.Engine.Tests.Hosting;

/// <summary>
/// A real engine process (<c>dotnet LlmOperator.Engine.dll serve ...</c>) on a free loopback port with a temporary
/// termination-log path. Every wait is bounded so a hang fails the test; Dispose kills whatever is still running.
/// </summary>
internal sealed class EngineProcess : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly string _directory;

    private EngineProcess(IReadOnlyList<string> serveArgs, bool passTerminationLogPath, IReadOnlyDictionary<string, string> environment)
    {
        _directory = Directory.CreateTempSubdirectory("engine-test-").FullName;
        // A subdirectory that does not exist yet: the engine must create it.
        TerminationLogPath = Path.Combine(_directory, "termination", "log");
        Port = FreePort();
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = TimeSpan.FromSeconds(10) };

        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in EngineArguments(serveArgs, passTerminationLogPath))
            start.ArgumentList.Add(arg);
        start.Environment.Remove("ENGINE_TERMINATION_LOG_PATH");
        foreach (var (name, value) in environment)
            start.Environment[name] = value;

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; }
    public string TerminationLogPath { get; }
    public HttpClient Http { get; }

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>Starts <c>serve</c> with <paramref name="serveArgs"/> plus host, port and (unless told not to) termination-log path.</summary>
    public static EngineProcess Start(
        IReadOnlyList<string> serveArgs,
        bool passTerminationLogPath = true,
        IReadOnlyDictionary<string, string>? environment = null) =>
        new(serveArgs, passTerminationLogPath, environment ?? new Dictionary<string, string>());

    /// <summary>The exit code; throws <see cref="TimeoutException"/> (with the output) when the process outlives <see cref="Timeout"/>.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The engine did not exit within {Timeout}.\n{Output}");
        }
        return _process.ExitCode;
    }

    /// <summary>Polls <c>/ready</c> until it answers 200, as a readiness probe would.</summary>
    public async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The engine exited with {_process.ExitCode} before it was ready.\n{Output}");
            try
            {
                using var response = await Http.GetAsync("/ready");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The engine was not ready within {Timeout}.\n{Output}");
    }

    /// <summary>Sends SIGTERM, as the kubelet does, through the <c>kill</c> utility (.NET's Kill sends SIGKILL).</summary>
    public async Task SendSigtermAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>The termination file's content, or null when the engine wrote none.</summary>
    public string? ReadTerminationLog() => File.Exists(TerminationLogPath) ? File.ReadAllText(TerminationLogPath) : null;

    public string Output => $"--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
        _process.Dispose();
        Http.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is not worth failing a test over.
        }
    }

    private IEnumerable<string> EngineArguments(IReadOnlyList<string> serveArgs, bool passTerminationLogPath)
    {
        yield return Path.Combine(AppContext.BaseDirectory, "LlmOperator.Engine.dll");
        yield return "serve";
        foreach (string arg in serveArgs) yield return arg;
        yield return "--host";
        yield return "127.0.0.1";
        yield return "--port";
        yield return Port.ToString();
        if (!passTerminationLogPath) yield break;
        yield return "--termination-log-path";
        yield return TerminationLogPath;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null) return;
        lock (output) output.AppendLine(line);
    }

    /// <summary>The dotnet host running the tests (the CLI exports it), else the one on PATH.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
