namespace LlmOperator.ElfPatch.Tests;

/// <summary>The command line as the .targets file runs it: one line per file, errors naming the file.</summary>
public sealed class ProgramTests
{
    private readonly StringWriter _output = new(), _error = new();

    [Fact]
    public void Run_Should_PatchAndCopyCompatLibrary_When_Forced()
    {
        using var folder = new TempFolder();
        string? library = TestFiles.CopyPristineLibrary(folder);
        if (library is null) return;
        string compat = FakeCompat(folder);

        int exit = Run("--force", "true", "--compat", compat, library);

        Assert.Equal(Program.Ok, exit);
        Assert.Contains("Patched " + library, _output.ToString());
        Assert.True(File.Exists(Path.Combine(folder.Path, "lib", GlibcxxPatch.CompatLibrary)));
    }

    [Fact]
    public void Run_Should_LeaveFileUnchanged_When_SystemLibStdCxxHasTheVersion()
    {
        using var folder = new TempFolder();
        string library = folder.File("libLibTorchSharp.so", new byte[] { 1, 2, 3 });
        string libStdCxx = folder.File("libstdc++.so.6", "..GLIBCXX_3.4.32.."u8.ToArray());

        int exit = Run("--libstdcxx", Path.Combine(folder.Path, "absent.so"), libStdCxx, "--compat", FakeCompat(folder), library);

        Assert.Equal(Program.Ok, exit);
        Assert.Equal(library + ": left unchanged (" + libStdCxx + " has GLIBCXX_3.4.32)." + Environment.NewLine, _output.ToString());
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(library));
    }

    [Fact]
    public void Run_Should_FailNamingTheFile_When_CopyIsTruncated()
    {
        using var folder = new TempFolder();
        string? library = TestFiles.CopyPristineLibrary(folder);
        if (library is null) return;
        string truncated = folder.File("truncated.so", File.ReadAllBytes(library)[..4096]);

        int exit = Run("--force", "true", "--compat", FakeCompat(folder), truncated, library);

        Assert.Equal(Program.Failed, exit);
        Assert.Contains("'" + truncated + "': truncated or malformed ELF file", _error.ToString());
        Assert.Contains("Patched " + library, _output.ToString()); // the other file is still patched
    }

    [Fact]
    public void Run_Should_FailNamingTheFile_When_FileIsNotElf()
    {
        using var folder = new TempFolder();
        string text = folder.File("libLibTorchSharp.so", "#!/bin/sh\necho not a library\n"u8.ToArray());

        int exit = Run("--force", "true", "--compat", FakeCompat(folder), text);

        Assert.Equal(Program.Failed, exit);
        Assert.Contains("error ELFPATCH01: Cannot apply the GLIBCXX_3.4.32 fix to '" + text + "': not an ELF file.", _error.ToString());
    }

    [Theory]
    [InlineData("--force", "maybe", "--compat", "x", "f")]
    [InlineData("--force", "true", "f")]
    [InlineData("--compat", "x")]
    [InlineData("--bogus", "--compat", "x", "f")]
    public void Run_Should_ReportUsage_When_ArgumentsAreWrong(params string[] args)
    {
        int exit = Run(args);

        Assert.Equal(Program.BadUsage, exit);
        Assert.StartsWith("error ELFPATCH02: ", _error.ToString());
        Assert.Contains("usage: LlmOperator.ElfPatch", _error.ToString());
    }

    [Fact]
    public void Parse_Should_EndLibStdCxxList_When_DoubleDashPrecedesFiles()
    {
        var options = CommandLine.Parse(new[] { "--compat", "c", "--libstdcxx", "a", "b", "--", "f1", "f2" });

        Assert.Equal(new[] { "a", "b" }, options.LibStdCxx);
        Assert.Equal(new[] { "f1", "f2" }, options.Files);
        Assert.Equal(ForceMode.Auto, options.Force);
    }

    private int Run(params string[] args) => Program.Run(args, _output, _error);

    private static string FakeCompat(TempFolder folder)
    {
        Directory.CreateDirectory(Path.Combine(folder.Path, "lib"));
        return folder.File(Path.Combine("lib", GlibcxxPatch.CompatLibrary), new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F' });
    }
}
