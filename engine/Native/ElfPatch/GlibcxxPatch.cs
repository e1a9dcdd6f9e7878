// Why this exists: TorchSharp's libLibTorchSharp.so (built with GCC 13+) requires GLIBCXX_3.4.32 for
// a single symbol, std::ios_base_library_init(). Older libstdc++ (Debian 12, GCC 12) lacks that
// version, so the dynamic loader refuses to load the library at all. The tool patches the build
// OUTPUT copy (never the NuGet cache) so that:
//   1. the GLIBCXX_3.4.32 version need is weak (a missing weak version is not fatal for ld.so),
//   2. the symbols that used that version become unversioned (global),
//   3. the library NEEDs libglibcxx-compat.so, which defines the (no-op) symbol.
using System.Text;
using LlmOperator.ElfPatch.Elf;

namespace LlmOperator.ElfPatch;

/// <summary>The three edits, each idempotent, and the safe write-back of the file.</summary>
internal static class GlibcxxPatch
{
    public const string MissingVersion = "GLIBCXX_3.4.32";
    public const string LibStdCxxName = "libstdc++.so.6";
    public const string CompatLibrary = "libglibcxx-compat.so";
    public const string ProvidedSymbol = "_ZSt21ios_base_library_initv";
    // RUNPATH is cut to this prefix; the rest of its bytes receive the compat library name.
    public const string KeptRunPath = "$ORIGIN/";

    /// <summary>Patches the file in place (via a temp file). Returns true when it needs the compat library.</summary>
    public static bool PatchFile(string path, Action<string> log)
    {
        var elf = new ElfFile(File.ReadAllBytes(path));
        if (!elf.IsX86_64)
        {
            log(path + " is not an x86-64 ELF file; left unchanged.");
            return false;
        }
        Vernaux? need = elf.FindVernaux(LibStdCxxName, MissingVersion);
        if (need == null)
        {
            log(path + " does not require " + MissingVersion + "; left unchanged.");
            return false;
        }
        bool changed = MarkWeak(elf, need.Value);
        changed |= ClearSymbolVersions(elf, need.Value.Other);
        changed |= AddCompatNeeded(elf);
        if (changed)
        {
            WriteAtomically(path, elf.Data);
            log("Patched " + path + " to load on a libstdc++ without " + MissingVersion + ".");
        }
        else
        {
            log(path + " is already patched.");
        }
        return true;
    }

    /// <summary>The error line for a file that could not be patched.</summary>
    public static string FailureMessage(string path, Exception e)
    {
        // Offsets read from a damaged file surface as index/overflow errors: say so plainly.
        string why = e is IndexOutOfRangeException || e is OverflowException
            ? "truncated or malformed ELF file (" + e.Message + ")"
            : e.Message;
        return "Cannot apply the " + MissingVersion + " fix to '" + path + "': " + why;
    }

    // Step 1: ld.so only reports (never fails on) a missing version whose need is weak.
    private static bool MarkWeak(ElfFile elf, Vernaux need)
    {
        if ((need.Flags & ElfConstants.VER_FLG_WEAK) != 0)
            return false;
        elf.WriteU16(need.Offset + ElfConstants.VNA_FLAGS, (ushort)(need.Flags | ElfConstants.VER_FLG_WEAK));
        return true;
    }

    // Step 2: symbols versioned GLIBCXX_3.4.32 become global (unversioned), so any definition
    // of the name satisfies them. The compat library only provides one symbol, so refuse if the
    // version is used for anything else.
    private static bool ClearSymbolVersions(ElfFile elf, ushort versionIndex)
    {
        bool changed = false;
        for (int i = 0; i < elf.DynSymCount; i++)
        {
            ushort versym = elf.ReadVersym(i);
            if ((versym & ElfConstants.VERSYM_INDEX_MASK) != versionIndex)
                continue;
            string name = elf.SymbolName(i);
            if (name != ProvidedSymbol || !elf.IsUndefinedSymbol(i))
                throw new ElfPatchException("dynamic symbol " + i + " '" + name + "' also uses " + MissingVersion +
                    "; only an undefined " + ProvidedSymbol + " is expected (the compat library provides nothing else).");
            elf.WriteVersym(i, ElfConstants.VER_NDX_GLOBAL);
            changed = true;
        }
        return changed;
    }

    // Step 3: .dynamic has no spare DT_NULL slot, so the redundant DT_SYMBOLIC entry (DT_FLAGS
    // already carries DF_SYMBOLIC) becomes DT_NEEDED, and its name reuses the tail of RUNPATH,
    // whose build-machine paths are meaningless here.
    private static bool AddCompatNeeded(ElfFile elf)
    {
        foreach (var entry in elf.Dynamic)
        {
            if (entry.Tag == ElfConstants.DT_NEEDED && elf.DynString(entry.Value) == CompatLibrary)
                return false;
        }
        DynamicEntry symbolic = RequireSingle(elf, ElfConstants.DT_SYMBOLIC, "DT_SYMBOLIC entry to repurpose");
        DynamicEntry flags = RequireSingle(elf, ElfConstants.DT_FLAGS, "DT_FLAGS entry");
        if ((flags.Value & ElfConstants.DF_SYMBOLIC) == 0)
            throw new ElfPatchException("DT_FLAGS lacks DF_SYMBOLIC, so DT_SYMBOLIC is not redundant and cannot be reused.");
        DynamicEntry runPath = RequireSingle(elf, ElfConstants.DT_RUNPATH, "DT_RUNPATH entry");

        ulong nameOffset = ReuseRunPathTail(elf, runPath);
        elf.WriteDynamic(symbolic.Index, ElfConstants.DT_NEEDED, nameOffset);
        return true;
    }

    /// <summary>Cuts RUNPATH to "$ORIGIN/" and writes the compat name after it; returns the name's dynstr offset.</summary>
    private static ulong ReuseRunPathTail(ElfFile elf, DynamicEntry runPath)
    {
        ulong start = runPath.Value;
        string value = elf.DynString(start);
        if (!value.StartsWith(KeptRunPath, StringComparison.Ordinal))
            throw new ElfPatchException("DT_RUNPATH '" + value + "' does not start with '" + KeptRunPath + "'.");
        // Overwritten: the NUL after "$ORIGIN/" and the compat name with its NUL.
        ulong cut = start + (ulong)KeptRunPath.Length;
        ulong end = cut + 1 + (ulong)CompatLibrary.Length + 1;
        if (end > start + (ulong)value.Length + 1 || end > elf.DynStrSize)
            throw new ElfPatchException("DT_RUNPATH '" + value + "' is too short to hold '" + CompatLibrary + "' after '" + KeptRunPath + "'.");
        EnsureNoOtherReference(elf, runPath, start, end);

        elf.WriteDynStr(cut, new byte[] { 0 });
        elf.WriteDynStr(cut + 1, Encoding.ASCII.GetBytes(CompatLibrary + "\0"));
        return cut + 1;
    }

    /// <summary>Fails if any dynstr reference other than RUNPATH itself points into [start, end).</summary>
    private static void EnsureNoOtherReference(ElfFile elf, DynamicEntry runPath, ulong start, ulong end)
    {
        foreach (var reference in elf.DynStrReferences())
        {
            if (reference.DynamicIndex == runPath.Index)
                continue;
            if (reference.Offset >= start && reference.Offset < end)
                throw new ElfPatchException(reference.What + " points into the DT_RUNPATH bytes that the patch rewrites (dynstr offset " +
                    reference.Offset + ", rewritten string range " + start + ".." + (end - 1) + ").");
        }
    }

    private static DynamicEntry RequireSingle(ElfFile elf, long tag, string what)
    {
        DynamicEntry? found = null;
        foreach (var entry in elf.Dynamic)
        {
            if (entry.Tag != tag)
                continue;
            if (found != null)
                throw new ElfPatchException("more than one " + what + " in .dynamic.");
            found = entry;
        }
        if (found == null)
            throw new ElfPatchException("no " + what + " in .dynamic.");
        return found.Value;
    }

    /// <summary>
    /// Writes via a temp file and rename: if the output were a hard link into the NuGet cache,
    /// writing in place would corrupt the cache. File.Copy keeps the mode bits, and keeping the
    /// original timestamp lets the incremental copy skip the (already patched) file next time.
    /// </summary>
    private static void WriteAtomically(string path, byte[] data)
    {
        string temp = path + ".patch-" + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            DateTime stamp = File.GetLastWriteTimeUtc(path);
            File.Copy(path, temp, true);
            File.WriteAllBytes(temp, data);
            File.SetLastWriteTimeUtc(temp, stamp);
            File.Replace(temp, path, null);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }
}
