using System.Diagnostics;

namespace LlmOperator.Operator.Tests.Webhooks.Support;

/// <summary>The real kubectl against one kubeconfig, with its own discovery cache folder (so runs never share one).</summary>
public sealed class KubectlRunner(string kubeconfig) : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly string _cacheDir = Directory.CreateTempSubdirectory("kubectl-cache-").FullName;

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

    public async Task<string> SucceedAsync(params string[] args)
    {
        var (code, stdout, stderr) = await RunAsync(args);
        Assert.True(code == 0, $"kubectl {string.Join(' ', args)} exited {code}: {stderr}");
        return stdout;
    }

    public void Dispose() => Directory.Delete(_cacheDir, recursive: true);
}

/// <summary>A test that needs the real kubectl: skipped, saying so, on machines without one.</summary>
internal sealed class KubectlFactAttribute : FactAttribute
{
    public KubectlFactAttribute()
    {
        if (KubectlRunner.Executable is null) Skip = "kubectl is not on PATH: install kubectl 1.29+ to run the webhook's kubectl tests";
    }
}
