using System.Diagnostics;

namespace LlmOperator.EndToEnd.Tests.Support;

/// <summary>
/// The real kubectl against one kubeconfig, with its own --cache-dir (kubectl caches discovery per server there;
/// tests must never share or pollute the user's).
/// </summary>
public sealed class Kubectl(string kubeconfig) : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);
    private readonly string _cacheDir = Directory.CreateTempSubdirectory("e2e-kubectl-cache-").FullName;
    private readonly string _workDir = Directory.CreateTempSubdirectory("e2e-kubectl-work-").FullName;

    /// <summary>The kubectl on PATH, or null when there is none.</summary>
    public static string? Executable { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, "kubectl"))
        .FirstOrDefault(File.Exists);

    public async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Executable ?? throw new InvalidOperationException("kubectl is not on PATH"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryPaths.Root,
        };
        foreach (var arg in new[] { "--kubeconfig", kubeconfig, "--cache-dir", _cacheDir }.Concat(args)) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
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
            throw new TimeoutException($"kubectl {string.Join(' ', args)} did not finish in {Limit.TotalSeconds}s; stderr: {await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
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
        var path = Path.Combine(_workDir, name);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        Directory.Delete(_cacheDir, recursive: true);
        Directory.Delete(_workDir, recursive: true);
    }
}

/// <summary>A test that needs the real kubectl: skipped, saying so, where there is none.</summary>
public sealed class KubectlFactAttribute : FactAttribute
{
    public KubectlFactAttribute()
    {
        if (Kubectl.Executable is null) Skip = "kubectl is not on PATH: install kubectl 1.29+ to run the end-to-end tests";
    }
}
