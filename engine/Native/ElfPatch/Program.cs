namespace LlmOperator.ElfPatch;

/// <summary>
/// Entry point: for each FILE, patch it if needed and copy the compat library next to it.
/// Prints one line per file; any error names the file and what was unexpected, and the exit
/// code is then non-zero (1: a file could not be patched, 2: bad usage).
/// </summary>
internal static class Program
{
    public const int Ok = 0, Failed = 1, BadUsage = 2;

    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        CommandLine options;
        try
        {
            options = CommandLine.Parse(args);
            if (!File.Exists(options.Compat))
                throw new ArgumentException("the --compat library '" + options.Compat + "' does not exist.");
        }
        catch (ArgumentException e)
        {
            error.WriteLine("error ELFPATCH02: " + e.Message);
            error.WriteLine(CommandLine.Usage);
            return BadUsage;
        }
        string? skipReason = SkipReason(options);
        bool ok = true;
        foreach (string file in options.Files)
        {
            if (skipReason != null)
                output.WriteLine(file + ": left unchanged (" + skipReason + ").");
            else
                ok &= PatchOne(file, options.Compat, output, error);
        }
        return ok ? Ok : Failed;
    }

    /// <summary>Why nothing is patched, or null when the files must be patched.</summary>
    private static string? SkipReason(CommandLine options)
    {
        if (options.Force == ForceMode.True)
            return null;
        if (options.Force == ForceMode.False)
            return "--force false";
        return LibStdCxxProbe.SystemNeedsFix(options.LibStdCxx, out string reason) ? null : reason;
    }

    private static bool PatchOne(string file, string compat, TextWriter output, TextWriter error)
    {
        string path = Path.GetFullPath(file);
        try
        {
            if (GlibcxxPatch.PatchFile(path, output.WriteLine))
                CopyNextTo(compat, path);
            return true;
        }
        catch (Exception e)
        {
            // The canonical "error CODE: text" form makes MSBuild's Exec report the line as a build error.
            error.WriteLine("error ELFPATCH01: " + GlibcxxPatch.FailureMessage(path, e));
            return false;
        }
    }

    /// <summary>
    /// The patched library NEEDs the compat library; its RUNPATH $ORIGIN/ finds it alongside.
    /// Like MSBuild's Copy with SkipUnchangedFiles: skipped when size and timestamp already match.
    /// </summary>
    private static void CopyNextTo(string compat, string patchedFile)
    {
        var source = new FileInfo(compat);
        var target = new FileInfo(Path.Combine(Path.GetDirectoryName(patchedFile)!, source.Name));
        if (target.Exists && target.Length == source.Length && target.LastWriteTimeUtc == source.LastWriteTimeUtc)
            return;
        source.CopyTo(target.FullName, true);
        File.SetLastWriteTimeUtc(target.FullName, source.LastWriteTimeUtc);
    }
}
