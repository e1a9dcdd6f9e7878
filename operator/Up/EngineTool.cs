using System.Diagnostics;
using LlmOperator.LocalCluster.Kubelet.Containers;

namespace LlmOperator.Operator.Up;

/// <summary>
/// The engine of this checkout as a command-line tool (the same dll the engine image stands for): built on first use,
/// and its <c>make-model</c> run as a child process to put a model into the node's Hugging Face cache.
/// </summary>
public static class EngineTool
{
    /// <summary>The engine dll, building the engine first when this checkout has none (a fresh clone).</summary>
    public static async Task<string> FindOrBuildAsync(TextWriter progress, CancellationToken cancellationToken)
    {
        if (EngineLocator.Find() is { } dll) return dll;
        var root = EngineLocator.RepositoryRoot() ?? throw new UpException(EngineLocator.NotFoundMessage());
        await progress.WriteLineAsync("Building the engine (first run: a few minutes) ...");
        var project = Path.Combine(root, "engine", "Engine.csproj");
        var (code, output) = await RunAsync(EngineLocator.DotnetHost(), ["build", project, "-nologo", "-v", "q"], cancellationToken);
        if (code != 0) throw new UpException($"dotnet build {project} failed (exit {code}):\n{Tail(output)}");
        return EngineLocator.Find() ?? throw new UpException(EngineLocator.NotFoundMessage());
    }

    /// <summary>Whether hub id <paramref name="repoId"/> has a snapshot in <paramref name="cache"/> (huggingface_hub's layout).</summary>
    public static bool IsCached(string cache, string repoId)
    {
        var snapshots = Path.Combine(cache, "models--" + repoId.Replace("/", "--", StringComparison.Ordinal), "snapshots");
        return Directory.Exists(snapshots) && Directory.EnumerateDirectories(snapshots).Any();
    }

    /// <summary><c>make-model --hf-cache CACHE --name REPO --preset PRESET</c>, unless the cache holds the model already.</summary>
    /// <returns>Whether the model was made.</returns>
    public static async Task<bool> EnsureModelAsync(string engineDll, string cache, string repoId, string preset, CancellationToken cancellationToken)
    {
        if (IsCached(cache, repoId)) return false;
        var (code, output) = await RunAsync(EngineLocator.DotnetHost(),
            [engineDll, "make-model", "--hf-cache", cache, "--name", repoId, "--preset", preset], cancellationToken);
        if (code != 0) throw new UpException($"make-model --hf-cache {cache} --name {repoId} --preset {preset} failed (exit {code}):\n{Tail(output)}");
        return true;
    }

    private static async Task<(int Code, string Output)> RunAsync(string program, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // A make-model usage error writes a termination message; keep it out of /dev/termination-log.
        start.Environment["ENGINE_TERMINATION_LOG_PATH"] = Path.Combine(Path.GetTempPath(), $"llm-operator-up-{Environment.ProcessId}.termination-log");
        using var process = Process.Start(start) ?? throw new UpException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string Tail(string output) => string.Join('\n', output.Split('\n').TakeLast(20));
}
