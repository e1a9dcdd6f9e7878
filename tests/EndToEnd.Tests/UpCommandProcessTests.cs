using System.Diagnostics;
using System.Text;
using LlmOperator.EndToEnd.Tests.Support;
using LlmOperator.LocalCluster.Kubelet.Containers;

namespace LlmOperator.EndToEnd.Tests;

/// <summary>
/// <c>up</c> as the README runs it: a process of the operator's build output that brings everything up, prints one
/// completion, and on SIGTERM stops every process it started.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class UpCommandProcessTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);
    private readonly string _work = Directory.CreateTempSubdirectory("e2e-up-").FullName;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    [Fact]
    public async Task Up_Should_PrintACompletionAndStopEveryProcess_When_RunThenSigtermed()
    {
        var kubeconfig = Path.Combine(_work, "kubeconfig.yaml");
        using var up = Start("up", "--kubeconfig", kubeconfig, "--model-cache", Path.Combine(_work, "hub"));

        await UntilAsync(up, () => Output().Contains("Press Ctrl+C to stop"), "up to print its completion and commands");
        var children = ProcessTree.Descendants(up.Id);
        using (var kill = Process.Start("kill", ["-TERM", up.Id.ToString()])) await kill.WaitForExitAsync();
        using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await up.WaitForExitAsync(exited.Token);

        Assert.True(up.ExitCode == 0, Output());
        var text = Output();
        Assert.Contains("Made llmoperator/tiny-llama4 (random weights) into the model cache", text);
        Assert.Matches("Completion through Service default/tiny-llama4 \\(http://127\\.0\\.0\\.1:\\d+/\\): \"Once upon a time\" → \".*\"", text);
        Assert.Contains($"export KUBECONFIG={kubeconfig}", text);
        Assert.Contains("--chaos-failure\",\"device-assert\",\"--chaos-after-requests\",\"1\"", text);
        Assert.Contains("Stopping: operator, engine processes, local cluster.", text);
        // The operator stops before the API server under it: none of its watches sees the server go away.
        Assert.DoesNotContain("in a row); retrying", text);
        Assert.Contains(children.Values, c => c.Contains("LlmOperator.Engine.dll serve --model llmoperator/tiny-llama4", StringComparison.Ordinal));
        Assert.Empty(children.Keys.Where(ProcessTree.IsAlive).Select(pid => $"{pid}: {children[pid]}"));
    }

    [Fact]
    public async Task Up_Should_ExitOneNamingThePort_When_TheApiServerPortIsTaken()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        using var up = Start("up", "--port", port.ToString(), "--model-cache", Path.Combine(_work, "hub"));

        using var exited = new CancellationTokenSource(Patience);
        await up.WaitForExitAsync(exited.Token);

        Assert.True(up.ExitCode == 1, Output());
        Assert.Contains($"--port {port} is taken: choose another, or 0 for any free port", _stderr.ToString());
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private Process Start(params string[] args)
    {
        var start = new ProcessStartInfo(EngineLocator.DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryPaths.Root,
        };
        start.ArgumentList.Add(RepositoryPaths.OperatorDll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { lock (_stdout) _stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_stderr) _stderr.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private string Output()
    {
        lock (_stdout) lock (_stderr) return $"--- stdout ---\n{_stdout}\n--- stderr ---\n{_stderr}";
    }

    private async Task UntilAsync(Process process, Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (process.HasExited) Assert.Fail($"up exited ({process.ExitCode}) before {what}:\n{Output()}");
            if (DateTime.UtcNow > deadline)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"waited {Patience} for {what}:\n{Output()}");
            }
            await Task.Delay(200);
        }
    }
}
