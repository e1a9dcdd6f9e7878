namespace LlmOperator.ElfPatch.Tests;

/// <summary>Where the tests find the pristine TorchSharp library, and a scratch folder per test.</summary>
internal static class TestFiles
{
    /// <summary>The unpatched libLibTorchSharp.so in the NuGet cache (the restore of engine/ puts it there).</summary>
    public static string PristineLibraryPath
    {
        get
        {
            string? root = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
            if (string.IsNullOrEmpty(root))
                root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            return Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        }
    }

    /// <summary>
    /// Copies the pristine library into the folder; null (and a note on the test output) when the
    /// package is not restored: xunit 2 has no dynamic skip, so the callers return early.
    /// </summary>
    public static string? CopyPristineLibrary(TempFolder folder)
    {
        string pristine = PristineLibraryPath;
        if (!File.Exists(pristine))
        {
            Console.WriteLine("Skipped: " + pristine + " is absent (restore engine/Engine.csproj to get TorchSharp-cpu 0.107.0).");
            return null;
        }
        string copy = Path.Combine(folder.Path, "libLibTorchSharp.so");
        File.Copy(pristine, copy);
        return copy;
    }
}

/// <summary>A temporary folder, deleted with its content on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("elfpatch-tests-").FullName;

    public string File(string name, byte[] content)
    {
        string path = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
