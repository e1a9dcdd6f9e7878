using LlmOperator.ElfPatch.Elf;

namespace LlmOperator.ElfPatch.Tests;

/// <summary>The patch on a copy of the real TorchSharp library, checked with the tool's own ELF reader.</summary>
public sealed class GlibcxxPatchTests
{
    private static readonly Action<string> Ignore = _ => { };

    [Fact]
    public void Patch_Should_MakeVersionNeedWeak_When_LibraryRequiresGlibcxx3432()
    {
        using var folder = new TempFolder();
        string? library = TestFiles.CopyPristineLibrary(folder);
        if (library is null) return;

        Assert.True(GlibcxxPatch.PatchFile(library, Ignore));

        var elf = Read(library);
        Vernaux need = elf.FindVernaux(GlibcxxPatch.LibStdCxxName, GlibcxxPatch.MissingVersion)!.Value;
        Assert.NotEqual(0, need.Flags & ElfConstants.VER_FLG_WEAK);
    }

    [Fact]
    public void Patch_Should_UnversionTheSymbol_When_LibraryRequiresGlibcxx3432()
    {
        using var folder = new TempFolder();
        string? library = TestFiles.CopyPristineLibrary(folder);
        if (library is null) return;

        GlibcxxPatch.PatchFile(library, Ignore);

        var elf = Read(library);
        int symbol = FindSymbol(elf, GlibcxxPatch.ProvidedSymbol);
        Assert.Equal(ElfConstants.VER_NDX_GLOBAL, elf.ReadVersym(symbol));
    }

    [Fact]
    public void Patch_Should_NeedCompatLibraryAndCutRunPath_When_LibraryRequiresGlibcxx3432()
    {
        using var folder = new TempFolder();
        string? library = TestFiles.CopyPristineLibrary(folder);
        if (library is null) return;

        GlibcxxPatch.PatchFile(library, Ignore);

        var elf = Read(library);
        var needed = elf.Dynamic.Where(e => e.Tag == ElfConstants.DT_NEEDED).Select(e => elf.DynString(e.Value));
        Assert.Contains(GlibcxxPatch.CompatLibrary, needed);
        Assert.Equal("$ORIGIN/", elf.DynString(elf.FindTag(ElfConstants.DT_RUNPATH)!.Value));
        Assert.DoesNotContain(elf.Dynamic, e => e.Tag == ElfConstants.DT_SYMBOLIC);
    }

    [Fact]
    public void Patch_Should_ChangeNoOtherByte_When_LibraryRequiresGlibcxx3432()
    {
        using var folder = new TempFolder();
        string? library = TestFiles.CopyPristineLibrary(folder);
        if (library is null) return;
        byte[] before = File.ReadAllBytes(library);
        var allowed = PatchedRanges(Read(library));

        GlibcxxPatch.PatchFile(library, Ignore);

        byte[] after = File.ReadAllBytes(library);
        Assert.Equal(before.Length, after.Length);
        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToList();
        Assert.NotEmpty(changed);
        Assert.All(changed, i => Assert.Contains(allowed, r => i >= r.Start && i < r.End));
    }

    [Fact]
    public void Patch_Should_ChangeNothing_When_AppliedTwice()
    {
        using var folder = new TempFolder();
        string? library = TestFiles.CopyPristineLibrary(folder);
        if (library is null) return;
        GlibcxxPatch.PatchFile(library, Ignore);
        byte[] once = File.ReadAllBytes(library);

        var messages = new List<string>();
        Assert.True(GlibcxxPatch.PatchFile(library, messages.Add));

        Assert.Equal(once, File.ReadAllBytes(library));
        Assert.Contains(messages, m => m.Contains("already patched"));
    }

    [Fact]
    public void Patch_Should_KeepTimestampAndMode_When_FileIsRewritten()
    {
        if (OperatingSystem.IsWindows()) return; // no Unix mode bits there
        using var folder = new TempFolder();
        string? library = TestFiles.CopyPristineLibrary(folder);
        if (library is null) return;
        var stamp = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(library, stamp);
        UnixFileMode mode = File.GetUnixFileMode(library);

        GlibcxxPatch.PatchFile(library, Ignore);

        Assert.Equal(stamp, File.GetLastWriteTimeUtc(library));
        Assert.Equal(mode, File.GetUnixFileMode(library));
        Assert.Single(Directory.GetFiles(folder.Path)); // no temp file left behind
    }

    [Fact]
    public void Patch_Should_FailNamingTheProblem_When_FileIsNotElf()
    {
        using var folder = new TempFolder();
        string text = folder.File("notes.so", "plain text, not ELF\n"u8.ToArray());

        var e = Assert.Throws<ElfPatchException>(() => GlibcxxPatch.PatchFile(text, Ignore));

        Assert.Contains("not an ELF file", GlibcxxPatch.FailureMessage(text, e));
        Assert.Contains(text, GlibcxxPatch.FailureMessage(text, e));
    }

    private static ElfFile Read(string path) => new(File.ReadAllBytes(path));

    private static int FindSymbol(ElfFile elf, string name)
    {
        int index = Enumerable.Range(0, elf.DynSymCount).FirstOrDefault(i => elf.SymbolName(i) == name, -1);
        Assert.True(index >= 0, name + " not in .dynsym");
        return index;
    }

    /// <summary>The byte ranges [Start, End) that the three patch steps may rewrite, from the pristine file.</summary>
    private static List<(long Start, long End)> PatchedRanges(ElfFile pristine)
    {
        Vernaux need = pristine.FindVernaux(GlibcxxPatch.LibStdCxxName, GlibcxxPatch.MissingVersion)!.Value;
        var ranges = new List<(long Start, long End)> { (need.Offset + ElfConstants.VNA_FLAGS, need.Offset + ElfConstants.VNA_FLAGS + 2) };
        for (int i = 0; i < pristine.DynSymCount; i++)
        {
            if ((pristine.ReadVersym(i) & ElfConstants.VERSYM_INDEX_MASK) == need.Other)
                ranges.Add((pristine.VersymFileOffset(i), pristine.VersymFileOffset(i) + 2));
        }
        int symbolic = pristine.Dynamic.Single(e => e.Tag == ElfConstants.DT_SYMBOLIC).Index;
        ranges.Add((pristine.DynamicFileOffset(symbolic), pristine.DynamicFileOffset(symbolic) + ElfConstants.DYN_SIZE));
        ulong cut = pristine.FindTag(ElfConstants.DT_RUNPATH)!.Value + (ulong)GlibcxxPatch.KeptRunPath.Length;
        ranges.Add((pristine.DynStrFileOffset(cut), pristine.DynStrFileOffset(cut) + 1 + GlibcxxPatch.CompatLibrary.Length + 1));
        return ranges;
    }
}
