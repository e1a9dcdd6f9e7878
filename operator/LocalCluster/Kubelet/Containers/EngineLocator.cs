using LlmOperator.LocalCluster.Kubelet.Processes;

namespace LlmOperator.LocalCluster.Kubelet.Containers;

/// <summary>
/// Finds the engine built in this checkout, which the engine image stands for: <c>$LOCALCLUSTER_ENGINE_DLL</c>
/// when set, else <c>engine/bin/{Debug,Release}/net10.0/LlmOperator.Engine.dll</c> (the newer of the two) under the
/// repository root, found by walking up from this assembly and from the working directory to <c>Operator.sln</c>.
/// </summary>
public static class EngineLocator
{
    public const string EnvironmentVariable = "LOCALCLUSTER_ENGINE_DLL";
    public const string DllName = "LlmOperator.Engine.dll";

    public static string? Find()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? Path.GetFullPath(configured) : null;
        }

        return RepositoryRoot() is { } root
            ? new[] { "Debug", "Release" }
                .Select(c => Path.Combine(root, "engine", "bin", c, "net10.0", DllName))
                .Where(File.Exists)
                .OrderByDescending(File.GetLastWriteTimeUtc)
                .FirstOrDefault()
            : null;
    }

    /// <summary>The directory holding Operator.sln above this assembly or the working directory, or null.</summary>
    public static string? RepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Operator.sln"))) return dir.FullName;
            }
        }

        return null;
    }

    /// <summary>
    /// The dotnet host: the one running this process when it is dotnet, else <c>$DOTNET_HOST_PATH</c>, else the one
    /// of the runtime this process runs on (an app host such as the operator's executable is not dotnet), else PATH.
    /// </summary>
    public static string DotnetHost()
    {
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        // <root>/shared/Microsoft.NETCore.App/<version>/ → <root>/dotnet
        var runtime = new DirectoryInfo(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory());
        var beside = runtime.Parent?.Parent?.Parent is { } root ? Path.Combine(root.FullName, "dotnet") : null;
        if (beside is not null && File.Exists(beside)) return beside;
        return ExecutableLookup.Find("dotnet") ?? "dotnet";
    }

    public static string NotFoundMessage() =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured
            ? $"{EnvironmentVariable}={configured} does not exist: build the engine (dotnet build engine) or fix the path"
            : $"the engine image runs engine/bin/<configuration>/net10.0/{DllName} of this checkout, which is not built " +
              $"(repository root: {RepositoryRoot() ?? "not found above " + AppContext.BaseDirectory}): run `dotnet build engine`, " +
              $"or set {EnvironmentVariable}";
}
