using System.Diagnostics;
using System.Text;
using Xunit;

namespace LlmOperator.Tests.Shared;

/// <summary>
/// The real kubectl against one kubeconfig, each instance with its own <c>--cache-dir</c> (the dispatcher on PATH
/// caches /version and discovery per server there; tests must never share or pollute the user's) and its own folder
/// for manifests, which is also its working directory unless <paramref name="workingDirectory"/> says otherwise.
/// Compiled into every test project that drives kubectl (linked from tests/Shared).
/// </summary>
public sealed class Kubectl(string kubeconfig, string? workingDirectory = null) : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);
    private readonly string _cacheDir = Directory.CreateTempSubdirectory("kubectl-cache-").FullName;

    /// <summary>The kubectl on PATH, or null when there is none.</summary>
    public static string? Executable { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, "kubectl"))
        .FirstOrDefault(File.Exists);

    /// <summary>Where <see cref="WriteFile"/> puts manifests.</summary>
    public string WorkDir { get; } = Directory.CreateTempSubdirectory("kubectl-work-").FullName;

    /// <summary>Runs <c>kubectl ARGS</c> and returns its exit code and output.</summary>
    public async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var process = Process.Start(StartInfo(args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', args)} did not finish in {Limit.TotalSeconds}s; stderr so far: {await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Starts a long-running command (<c>get -w</c>) whose output is read as it comes; the caller
    /// ends it (e.g. by cutting the server's watches) and disposes the process.
    /// </summary>
    public (Process Process, Func<string> Output) Start(params string[] args)
    {
        var output = new StringBuilder();
        var process = new Process { StartInfo = StartInfo(args) };
        process.OutputDataReceived += (_, line) => { lock (output) output.AppendLine(line.Data); };
        process.Start();
        process.BeginOutputReadLine();
        return (process, () => { lock (output) return output.ToString(); });
    }

    /// <summary>Runs a command that must succeed and returns its stdout.</summary>
    public async Task<string> SucceedAsync(params string[] args)
    {
        var (code, stdout, stderr) = await RunAsync(args);
        Assert.True(code == 0, $"kubectl {string.Join(' ', args)} exited {code}: {stderr}");
        return stdout;
    }

    /// <summary>Writes a manifest for <c>kubectl apply -f</c> and returns its path.</summary>
    public string WriteFile(string name, string text)
    {
        var path = Path.Combine(WorkDir, name);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        Directory.Delete(_cacheDir, recursive: true);
        Directory.Delete(WorkDir, recursive: true);
    }

    private ProcessStartInfo StartInfo(string[] args)
    {
        var start = new ProcessStartInfo(Executable ?? throw new InvalidOperationException("kubectl is not on PATH"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? WorkDir,
        };
        foreach (var arg in new[] { "--kubeconfig", kubeconfig, "--cache-dir", _cacheDir }.Concat(args)) start.ArgumentList.Add(arg);
        return start;
    }
}

/// <summary>A test that needs the real kubectl: skipped, saying so, on machines without one.</summary>
public sealed class KubectlFactAttribute : FactAttribute
{
    public KubectlFactAttribute()
    {
        if (Kubectl.Executable is null) Skip = "kubectl is not on PATH: install kubectl 1.29+ to run the kubectl tests";
    }
}
