using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using TorchSharp;

namespace LlmOperator.Engine.Tests.Devices;

/// <summary>
/// TorchSharp's native library must load from the test output. On a libstdc++ without
/// GLIBCXX_3.4.32 (Debian 12) that only works thanks to engine/Native/TorchSharpGlibcxxFix.targets.
/// </summary>
public class TorchSharpTests
{
    private const string MissingVersion = "GLIBCXX_3.4.32";
    private const string CompatLibrary = "libglibcxx-compat.so";

    private static readonly string[] LibStdCxxCandidates =
    {
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/lib64/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6",
        "/usr/lib/libstdc++.so.6",
    };

    [Fact]
    public void MatmulOfKnownMatricesGivesExactResult()
    {
        using var a = torch.tensor(new float[] { 1, 2, 3, 4 }, 2, 2);
        using var b = torch.tensor(new float[] { 5, 6, 7, 8 }, 2, 2);

        using var product = torch.matmul(a, b);

        Assert.Equal(new long[] { 2, 2 }, product.shape);
        Assert.Equal(new float[] { 19, 22, 43, 50 }, product.data<float>().ToArray());
    }

    [Fact]
    public void CudaAvailabilityQueryDoesNotThrow()
    {
        // The CPU package has no CUDA; the call must still answer rather than fail to load.
        var exception = Record.Exception(() => torch.cuda.is_available());

        Assert.Null(exception);
    }

    [Fact]
    public void OutputLibraryIsPatchedWhenSystemLibStdCxxIsOld()
    {
        // xunit 2 has no dynamic skip: return early where the patch does not apply.
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64)
            return;
        string? libStdCxx = LibStdCxxCandidates.FirstOrDefault(File.Exists);
        if (libStdCxx is null || FileContains(libStdCxx, MissingVersion))
            return;
        string? readelf = FindOnPath("readelf");
        if (readelf is null)
            return;

        string library = FindTorchSharpLibrary();
        string dynamicSection = Run(readelf, "-d", library);
        string versions = Run(readelf, "-V", library);
        string symbols = Run(readelf, "-W", "--dyn-syms", library); // .dynsym only, not .symtab

        Assert.Contains("Shared library: [" + CompatLibrary + "]", dynamicSection);
        Assert.Contains("Library runpath: [$ORIGIN/]", dynamicSection);
        Assert.Matches(@"Name: GLIBCXX_3\.4\.32\s+Flags: WEAK", versions);
        Assert.DoesNotContain("_ZSt21ios_base_library_initv@" + MissingVersion, symbols);
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(library)!, CompatLibrary)),
            CompatLibrary + " must sit next to the patched library");
    }

    private static string FindTorchSharpLibrary()
    {
        string[] candidates =
        {
            Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"),
            Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so"),
        };
        string? found = candidates.FirstOrDefault(File.Exists);
        Assert.True(found is not null, "libLibTorchSharp.so not found in " + AppContext.BaseDirectory);
        return found!;
    }

    private static bool FileContains(string path, string text)
    {
        byte[] bytes = File.ReadAllBytes(path);
        byte[] needle = Encoding.ASCII.GetBytes(text);
        return bytes.AsSpan().IndexOf(needle) >= 0;
    }

    private static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);

    private static string Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["LC_ALL"] = "C"; // readelf's labels must not be translated
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output;
    }
}
