using System.Diagnostics;

namespace LlmOperator.Charts.Tests.Rendering;

/// <summary>What <c>helmrender</c> printed: the manifests as <c>helm template</c> prints them, or helm's error.</summary>
public sealed record HelmRenderOutput(int ExitCode, string Manifests, string Error);

/// <summary>
/// tests/Charts.Tests/HelmRender/main.go (a <c>helm template</c> on Go's text/template and sprig, the libraries of
/// Helm's engine), built once per test run into a temporary folder and run per render. Debian packages it
/// (golang-go, sprig, yaml.v2) because helm itself cannot be installed here or on CI. Dependency-free, so that
/// other test projects can link this file.
/// </summary>
public static class HelmRenderProgram
{
    private const string GoPath = "/usr/share/gocode";
    private const string Install = "apt-get install golang-go golang-github-masterminds-sprig-dev golang-gopkg-yaml.v2-dev";
    private static readonly Lock Gate = new();
    private static string? binary;

    /// <summary>
    /// Renders <paramref name="chartDirectory"/> with <paramref name="valuesJson"/> (a JSON object, as helm's -f file)
    /// merged over its values.yaml; only <paramref name="showOnly"/>'s documents when given.
    /// </summary>
    public static HelmRenderOutput Run(string repositoryRoot, string chartDirectory, string release, string @namespace,
        string? valuesJson = null, string? showOnly = null)
    {
        var valuesFile = valuesJson is null ? null : Path.Combine(Path.GetTempPath(), $"helmrender-values-{Guid.NewGuid():N}.json");
        try
        {
            List<string> args = ["-name", release, "-namespace", @namespace];
            if (valuesFile is not null)
            {
                File.WriteAllText(valuesFile, valuesJson);
                args.AddRange(["-values", valuesFile]);
            }
            if (showOnly is not null) args.AddRange(["-show-only", showOnly]);
            args.Add(chartDirectory);
            return Execute(Binary(repositoryRoot), args, environment: [], TimeSpan.FromSeconds(30));
        }
        finally
        {
            if (valuesFile is not null) File.Delete(valuesFile);
        }
    }

    private static string Binary(string repositoryRoot)
    {
        lock (Gate) return binary ??= Build(Path.Combine(repositoryRoot, "tests", "Charts.Tests", "HelmRender"));
    }

    private static string Build(string source)
    {
        var go = FindGo();
        foreach (var package in new[] { "github.com/Masterminds/sprig", "gopkg.in/yaml.v2" })
        {
            if (!Directory.Exists(Path.Combine(GoPath, "src", package)))
                throw new InvalidOperationException($"Go package {package} is missing under {GoPath}/src; the chart render tests need it. Fix: {Install}");
        }
        var output = Directory.CreateTempSubdirectory("helmrender-");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { output.Delete(recursive: true); }
            catch (IOException) { } // a temporary folder left behind is harmless; a crash at exit is not
        };
        var file = Path.Combine(output.FullName, "helmrender");
        // GOPATH mode, offline: the Debian packages' sources are the whole dependency set (no module proxy here).
        Dictionary<string, string> environment = new() { ["GO111MODULE"] = "off", ["GOPATH"] = GoPath, ["GOFLAGS"] = "" };
        if (Environment.GetEnvironmentVariable("GOCACHE") is null && !HomeIsWritable())
            environment["GOCACHE"] = Path.Combine(output.FullName, "gocache");
        var build = Execute(go, ["build", "-o", file, Path.Combine(source, "main.go")], environment, TimeSpan.FromMinutes(3), source);
        if (build.ExitCode != 0)
            throw new InvalidOperationException($"go build of {source}/main.go failed ({build.ExitCode}):\n{build.Error}{build.Manifests}");
        return file;
    }

    private static string FindGo()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "go")).Append("/usr/lib/go/bin/go");
        return candidates.FirstOrDefault(File.Exists)
               ?? throw new InvalidOperationException($"`go` is not installed; the chart render tests build tests/Charts.Tests/HelmRender with it. Fix: {Install}");
    }

    private static bool HomeIsWritable()
    {
        var home = Environment.GetEnvironmentVariable("HOME");
        if (string.IsNullOrEmpty(home) || !Directory.Exists(home)) return false;
        try
        {
            // go's default cache is $HOME/.cache/go-build.
            var cache = Directory.CreateDirectory(Path.Combine(home, ".cache"));
            using (File.Create(Path.Combine(cache.FullName, Path.GetRandomFileName()), 1, FileOptions.DeleteOnClose)) { }
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static HelmRenderOutput Execute(string program, IEnumerable<string> args, Dictionary<string, string> environment,
        TimeSpan timeout, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not finish within {timeout}.");
        }
        return new HelmRenderOutput(process.ExitCode, stdout.Result, stderr.Result);
    }
}
