namespace LlmOperator.Tests.Shared;

/// <summary>Finds files of the repository from the test's output folder (linked into the test projects that read them).</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Operator.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Operator.sln not found above " + AppContext.BaseDirectory);
    }
}
