using System.Diagnostics;
using System.Text.Json.Nodes;

namespace LlmOperator.Charts.Tests.GitOps.Health;

/// <summary>What an Argo CD health script returned: hs.status and hs.message.</summary>
internal sealed record HealthStatus(string Status, string Message);

/// <summary>
/// Runs the chart's Argo CD health check (charts/llm-operator/docs/argocd/health.lua) on an object with the real
/// lua5.4 interpreter, as Argo CD does: the object as the global <c>obj</c>, the script's return value as the verdict.
/// </summary>
internal static class ArgoHealthScript
{
    public const string Interpreter = "lua5.4";

    /// <summary>The statuses Argo CD knows (gitops-engine's health.HealthStatusCode).</summary>
    public static readonly IReadOnlySet<string> Statuses =
        new HashSet<string> { "Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown" };

    /// <summary>The interpreter on PATH, or null.</summary>
    public static string? Executable { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, Interpreter))
        .FirstOrDefault(File.Exists);

    public static async Task<HealthStatus> RunAsync(string scriptPath, JsonNode obj)
    {
        var lua = Executable ?? throw new InvalidOperationException(
            $"{Interpreter} is not on PATH: the Argo CD health check cannot be tested without it. Install it " +
            "(Debian/Ubuntu: apt-get install lua5.4; .ci/run does this) and run the tests again.");
        var start = new ProcessStartInfo(lua, "-")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(Harness(scriptPath, obj));
        process.StandardInput.Close();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{scriptPath} did not finish in 30s in {Interpreter} (a loop that never ends?)");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{scriptPath} failed in {Interpreter} (exit {process.ExitCode}): {await stderr}");
        var output = await stdout;
        var newline = output.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? new HealthStatus(output, "") : new HealthStatus(output[..newline], output[(newline + 1)..]);
    }

    /// <summary>Sets <c>obj</c>, runs the script and prints the verdict: the status, a newline, the message.</summary>
    private static string Harness(string scriptPath, JsonNode obj) => $$"""
        obj = {{LuaLiteral.Of(obj)}}
        local hs = dofile({{LuaLiteral.Of(JsonValue.Create(scriptPath))}})
        if type(hs) ~= "table" then error("the health script returned " .. type(hs) .. ", not a table") end
        if type(hs.status) ~= "string" then error("the health script returned no status") end
        io.write(hs.status, "\n", hs.message or "")
        """;
}
