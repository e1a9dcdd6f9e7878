// MSBuild inline task (RoslynCodeTaskFactory, Type="Class") used by TorchSharpGlibcxxFix.targets.
// It is compiled by MSBuild against netstandard, NOT part of the engine assembly
// (the .targets file removes it from Compile), so it only uses netstandard APIs.
//
// Why it exists: TorchSharp's libLibTorchSharp.so (built with GCC 13+) requires GLIBCXX_3.4.32 for
// a single symbol, std::ios_base_library_init(). Older libstdc++ (Debian 12, GCC 12) lacks that
// version, so the dynamic loader refuses to load the library at all. The task patches the build
// OUTPUT copy (never the NuGet cache) so that:
//   1. the GLIBCXX_3.4.32 version need is weak (a missing weak version is not fatal for ld.so),
//   2. the symbols that used that version become unversioned (global),
//   3. the library NEEDs libglibcxx-compat.so, which defines the (no-op) symbol.
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class LlmOperatorPatchTorchSharpGlibcxx : Task
{
    /// <summary>The libLibTorchSharp.so copies to patch (in OutDir / PublishDir).</summary>
    [Required]
    public ITaskItem[] Files { get; set; } = new ITaskItem[0];

    /// <summary>Candidate paths of the system libstdc++.so.6; the first existing one is inspected.</summary>
    public ITaskItem[] LibStdCxxCandidates { get; set; } = new ITaskItem[0];

    /// <summary>"true" patches regardless of the system libstdc++ (for testing); empty = detect.</summary>
    public string Force { get; set; } = "";

    /// <summary>The files that now depend on libglibcxx-compat.so (it must be copied next to them).</summary>
    [Output]
    public ITaskItem[] PatchedFiles { get; set; } = new ITaskItem[0];

    public override bool Execute()
    {
        if (!string.Equals(Force, "true", StringComparison.OrdinalIgnoreCase) && !SystemLibStdCxxNeedsFix())
            return true;

        var patched = new List<ITaskItem>();
        foreach (var item in Files)
        {
            string path = item.GetMetadata("FullPath");
            try
            {
                if (GlibcxxPatcher.PatchFile(path, msg => Log.LogMessage(MessageImportance.Normal, msg)))
                    patched.Add(item);
            }
            catch (Exception e)
            {
                // Offsets read from a damaged file surface as index/overflow errors: say so plainly.
                string why = e is IndexOutOfRangeException || e is OverflowException
                    ? "truncated or malformed ELF file (" + e.Message + ")"
                    : e.Message;
                Log.LogError("Cannot apply the {0} fix to '{1}': {2}", GlibcxxPatcher.MissingVersion, path, why);
            }
        }
        PatchedFiles = patched.ToArray();
        return !Log.HasLoggedErrors;
    }

    /// <summary>
    /// True when the system libstdc++ lacks GLIBCXX_3.4.32. A current distribution has it (and then
    /// nothing is patched); without any libstdc++ at the known paths we do not guess either.
    /// </summary>
    private bool SystemLibStdCxxNeedsFix()
    {
        foreach (var candidate in LibStdCxxCandidates)
        {
            string path = candidate.ItemSpec;
            if (!File.Exists(path))
                continue;
            bool hasVersion = ByteSearch.Contains(File.ReadAllBytes(path), Encoding.ASCII.GetBytes(GlibcxxPatcher.MissingVersion));
            Log.LogMessage(MessageImportance.Low, "{0} {1} {2}; TorchSharp patch {3}.", path,
                hasVersion ? "has" : "lacks", GlibcxxPatcher.MissingVersion, hasVersion ? "not needed" : "needed");
            return !hasVersion;
        }
        Log.LogMessage(MessageImportance.Low, "No system libstdc++.so.6 found; TorchSharp is not patched.");
        return false;
    }
}

internal static class ByteSearch
{
    public static bool Contains(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j])
                j++;
            if (j == needle.Length)
                return true;
        }
        return false;
    }
}

/// <summary>A problem that makes the patch unsafe; the message names what was unexpected.</summary>
internal sealed class ElfPatchException : Exception
{
    public ElfPatchException(string message) : base(message) { }
}

/// <summary>The three edits, each idempotent, and the safe write-back of the file.</summary>
internal static class GlibcxxPatcher
{
    public const string MissingVersion = "GLIBCXX_3.4.32";
    public const string LibStdCxxName = "libstdc++.so.6";
    public const string CompatLibrary = "libglibcxx-compat.so";
    public const string ProvidedSymbol = "_ZSt21ios_base_library_initv";
    // RUNPATH is cut to this prefix; the rest of its bytes receive the compat library name.
    private const string KeptRunPath = "$ORIGIN/";

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

    // Step 1: ld.so only reports (never fails on) a missing version whose need is weak.
    private static bool MarkWeak(ElfFile elf, Vernaux need)
    {
        if ((need.Flags & Elf.VER_FLG_WEAK) != 0)
            return false;
        elf.WriteU16(need.Offset + Elf.VNA_FLAGS, (ushort)(need.Flags | Elf.VER_FLG_WEAK));
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
            if ((versym & Elf.VERSYM_INDEX_MASK) != versionIndex)
                continue;
            string name = elf.SymbolName(i);
            if (name != ProvidedSymbol || !elf.IsUndefinedSymbol(i))
                throw new ElfPatchException("dynamic symbol " + i + " '" + name + "' also uses " + MissingVersion +
                    "; only an undefined " + ProvidedSymbol + " is expected (the compat library provides nothing else).");
            elf.WriteVersym(i, Elf.VER_NDX_GLOBAL);
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
            if (entry.Tag == Elf.DT_NEEDED && elf.DynString(entry.Value) == CompatLibrary)
                return false;
        }
        DynamicEntry symbolic = RequireSingle(elf, Elf.DT_SYMBOLIC, "DT_SYMBOLIC entry to repurpose");
        DynamicEntry flags = RequireSingle(elf, Elf.DT_FLAGS, "DT_FLAGS entry");
        if ((flags.Value & Elf.DF_SYMBOLIC) == 0)
            throw new ElfPatchException("DT_FLAGS lacks DF_SYMBOLIC, so DT_SYMBOLIC is not redundant and cannot be reused.");
        DynamicEntry runPath = RequireSingle(elf, Elf.DT_RUNPATH, "DT_RUNPATH entry");

        ulong nameOffset = ReuseRunPathTail(elf, runPath);
        elf.WriteDynamic(symbolic.Index, Elf.DT_NEEDED, nameOffset);
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

/// <summary>ELF64 constants used here (names as in elf.h).</summary>
internal static class Elf
{
    public const byte ELFCLASS64 = 2;
    public const byte ELFDATA2LSB = 1;
    public const ushort EM_X86_64 = 62;
    public const uint PT_LOAD = 1;
    public const uint PT_DYNAMIC = 2;
    public const uint SHT_DYNSYM = 11;
    public const ushort SHN_UNDEF = 0;

    public const long DT_NULL = 0;
    public const long DT_NEEDED = 1;
    public const long DT_STRTAB = 5;
    public const long DT_SYMTAB = 6;
    public const long DT_STRSZ = 10;
    public const long DT_SYMENT = 11;
    public const long DT_SONAME = 14;
    public const long DT_RPATH = 15;
    public const long DT_SYMBOLIC = 16;
    public const long DT_RUNPATH = 29;
    public const long DT_FLAGS = 30;
    public const long DT_VERSYM = 0x6ffffff0;
    public const long DT_VERDEF = 0x6ffffffc;
    public const long DT_VERDEFNUM = 0x6ffffffd;
    public const long DT_VERNEED = 0x6ffffffe;
    public const long DT_VERNEEDNUM = 0x6fffffff;
    public const long DT_AUXILIARY = 0x7ffffffd;
    public const long DT_FILTER = 0x7fffffff;
    public const long DT_CONFIG = 0x6ffffefa;
    public const long DT_DEPAUDIT = 0x6ffffefb;
    public const long DT_AUDIT = 0x6ffffefc;
    /// <summary>Dynamic tags whose value is a dynstr offset.</summary>
    public static readonly long[] StringTags =
        { DT_NEEDED, DT_SONAME, DT_RPATH, DT_RUNPATH, DT_AUXILIARY, DT_FILTER, DT_CONFIG, DT_DEPAUDIT, DT_AUDIT };

    public const ulong DF_SYMBOLIC = 0x2;
    public const ushort VER_FLG_WEAK = 0x2;
    public const ushort VER_NDX_GLOBAL = 1;
    public const ushort VERSYM_INDEX_MASK = 0x7fff; // bit 15 is the "hidden" flag

    // Field offsets inside ELF64 records.
    public const int VNA_FLAGS = 4;
    public const int SYM_SIZE = 24;
    public const int DYN_SIZE = 16;
    public const int VERNEED_SIZE = 16;
}

internal struct DynamicEntry
{
    public int Index;
    public long Tag;
    public ulong Value;
}

/// <summary>A dynstr offset stored somewhere in the file; DynamicIndex is -1 outside .dynamic.</summary>
internal struct StringRef
{
    public string What;
    public ulong Offset;
    public int DynamicIndex;

    public StringRef(string what, ulong offset, int dynamicIndex = -1)
    {
        What = what;
        Offset = offset;
        DynamicIndex = dynamicIndex;
    }
}

internal struct Vernaux
{
    public long Offset;   // file offset of the Elf64_Vernaux record
    public ushort Flags;
    public ushort Other;  // version index used in .gnu.version
}

/// <summary>Minimal ELF64 little-endian reader/writer over the whole file's bytes.</summary>
internal sealed class ElfFile
{
    public readonly byte[] Data;
    public readonly List<DynamicEntry> Dynamic = new List<DynamicEntry>();
    private readonly List<long[]> _loads = new List<long[]>(); // {p_offset, p_vaddr, p_filesz}
    private long _dynamicOffset, _dynamicSize;
    public bool IsX86_64 { get; }
    public ulong DynStrSize { get; private set; }
    public int DynSymCount { get; private set; }
    private long _dynStr, _dynSym, _versym;

    public ElfFile(byte[] data)
    {
        Data = data;
        if (data.Length < 64 || data[0] != 0x7f || data[1] != 'E' || data[2] != 'L' || data[3] != 'F')
            throw new ElfPatchException("not an ELF file.");
        if (data[4] != Elf.ELFCLASS64 || data[5] != Elf.ELFDATA2LSB)
            throw new ElfPatchException("not a 64-bit little-endian ELF file.");
        IsX86_64 = ReadU16(0x12) == Elf.EM_X86_64;
        if (!IsX86_64)
            return;
        ReadProgramHeaders();
        ReadDynamic();
        ReadDynamicTables();
        DynSymCount = CountDynSyms();
    }

    private void ReadProgramHeaders()
    {
        long phoff = (long)ReadU64(0x20);
        int phentsize = ReadU16(0x36), phnum = ReadU16(0x38);
        _dynamicOffset = -1;
        for (int i = 0; i < phnum; i++)
        {
            long ph = phoff + (long)i * phentsize;
            uint type = ReadU32(ph);
            if (type == Elf.PT_LOAD)
                _loads.Add(new[] { (long)ReadU64(ph + 8), (long)ReadU64(ph + 16), (long)ReadU64(ph + 32) });
            else if (type == Elf.PT_DYNAMIC)
            {
                _dynamicOffset = (long)ReadU64(ph + 8);
                _dynamicSize = (long)ReadU64(ph + 32);
            }
        }
        if (_dynamicOffset < 0)
            throw new ElfPatchException("no PT_DYNAMIC program header.");
    }

    private void ReadDynamic()
    {
        for (int i = 0; i < _dynamicSize / Elf.DYN_SIZE; i++)
        {
            long at = _dynamicOffset + (long)i * Elf.DYN_SIZE;
            var entry = new DynamicEntry { Index = i, Tag = (long)ReadU64(at), Value = ReadU64(at + 8) };
            if (entry.Tag == Elf.DT_NULL)
                return;
            Dynamic.Add(entry);
        }
        throw new ElfPatchException(".dynamic has no DT_NULL terminator.");
    }

    private void ReadDynamicTables()
    {
        _dynStr = ToFileOffset(RequireTag(Elf.DT_STRTAB));
        DynStrSize = RequireTag(Elf.DT_STRSZ);
        _dynSym = ToFileOffset(RequireTag(Elf.DT_SYMTAB));
        ulong symEnt = FindTag(Elf.DT_SYMENT) ?? Elf.SYM_SIZE;
        if (symEnt != Elf.SYM_SIZE)
            throw new ElfPatchException("unexpected DT_SYMENT " + symEnt + ".");
        _versym = ToFileOffset(RequireTag(Elf.DT_VERSYM));
    }

    /// <summary>The dynamic tables carry no symbol count; the .dynsym section header does.</summary>
    private int CountDynSyms()
    {
        long shoff = (long)ReadU64(0x28);
        int shentsize = ReadU16(0x3A), shnum = ReadU16(0x3C);
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            if (ReadU32(sh + 4) != Elf.SHT_DYNSYM)
                continue;
            ulong size = ReadU64(sh + 32), entSize = ReadU64(sh + 56);
            if (entSize != Elf.SYM_SIZE)
                throw new ElfPatchException("unexpected .dynsym entry size " + entSize + ".");
            return checked((int)(size / entSize));
        }
        throw new ElfPatchException("no .dynsym section header (needed to count dynamic symbols).");
    }

    public ulong? FindTag(long tag)
    {
        foreach (var entry in Dynamic)
        {
            if (entry.Tag == tag)
                return entry.Value;
        }
        return null;
    }

    private ulong RequireTag(long tag) =>
        FindTag(tag) ?? throw new ElfPatchException("no dynamic entry with tag 0x" + tag.ToString("x") + ".");

    /// <summary>Virtual address to file offset, through the PT_LOAD segment that maps it from the file.</summary>
    public long ToFileOffset(ulong address)
    {
        foreach (var load in _loads)
        {
            ulong vaddr = (ulong)load[1], fileSize = (ulong)load[2];
            if (address >= vaddr && address < vaddr + fileSize)
                return load[0] + (long)(address - vaddr);
        }
        throw new ElfPatchException("address 0x" + address.ToString("x") + " is not in any PT_LOAD segment.");
    }

    /// <summary>Finds the version need (file, version) in DT_VERNEED; null when not needed.</summary>
    public Vernaux? FindVernaux(string file, string version)
    {
        foreach (var need in VerneedRecords())
        {
            if (DynString(ReadU32(need + 4)) != file)
                continue;
            foreach (long aux in VernauxRecords(need))
            {
                if (DynString(ReadU32(aux + 8)) == version)
                    return new Vernaux { Offset = aux, Flags = ReadU16(aux + Elf.VNA_FLAGS), Other = ReadU16(aux + 6) };
            }
        }
        return null;
    }

    private IEnumerable<long> VerneedRecords()
    {
        ulong? address = FindTag(Elf.DT_VERNEED);
        if (address == null)
            yield break;
        ulong count = FindTag(Elf.DT_VERNEEDNUM) ?? throw new ElfPatchException("DT_VERNEED without DT_VERNEEDNUM.");
        long need = ToFileOffset(address.Value);
        for (ulong i = 0; i < count; i++)
        {
            yield return need;
            need += ReadU32(need + 12); // vn_next
        }
    }

    private IEnumerable<long> VernauxRecords(long need)
    {
        long aux = need + ReadU32(need + 8); // vn_aux
        for (int i = 0, count = ReadU16(need + 2); i < count; i++) // vn_cnt
        {
            yield return aux;
            aux += ReadU32(aux + 12); // vna_next
        }
    }

    /// <summary>Every dynstr offset the file refers to, labelled for error messages.</summary>
    public IEnumerable<StringRef> DynStrReferences()
    {
        foreach (var entry in Dynamic)
        {
            if (Array.IndexOf(Elf.StringTags, entry.Tag) >= 0)
                yield return new StringRef("dynamic entry " + entry.Index + " (tag 0x" + entry.Tag.ToString("x") + ")", entry.Value, entry.Index);
        }
        foreach (long need in VerneedRecords())
        {
            yield return new StringRef("verneed file name", ReadU32(need + 4));
            foreach (long aux in VernauxRecords(need))
                yield return new StringRef("verneed aux name", ReadU32(aux + 8));
        }
        foreach (var reference in VerdefNames())
            yield return reference;
        for (int i = 0; i < DynSymCount; i++)
            yield return new StringRef("dynamic symbol " + i + " name", ReadU32(_dynSym + (long)i * Elf.SYM_SIZE));
    }

    private IEnumerable<StringRef> VerdefNames()
    {
        ulong? address = FindTag(Elf.DT_VERDEF);
        if (address == null)
            yield break;
        ulong count = FindTag(Elf.DT_VERDEFNUM) ?? throw new ElfPatchException("DT_VERDEF without DT_VERDEFNUM.");
        long def = ToFileOffset(address.Value);
        for (ulong i = 0; i < count; i++)
        {
            long aux = def + ReadU32(def + 12); // vd_aux
            for (int j = 0, auxCount = ReadU16(def + 6); j < auxCount; j++) // vd_cnt
            {
                yield return new StringRef("verdef aux name", ReadU32(aux));
                aux += ReadU32(aux + 4); // vda_next
            }
            def += ReadU32(def + 16); // vd_next
        }
    }

    public string DynString(ulong offset)
    {
        if (offset >= DynStrSize)
            throw new ElfPatchException("dynstr offset " + offset + " is outside .dynstr.");
        long start = _dynStr + (long)offset, end = start;
        while (Data[end] != 0)
            end++;
        return Encoding.ASCII.GetString(Data, (int)start, (int)(end - start));
    }

    public void WriteDynStr(ulong offset, byte[] bytes) => Array.Copy(bytes, 0, Data, _dynStr + (long)offset, bytes.Length);

    public string SymbolName(int index) => DynString(ReadU32(_dynSym + (long)index * Elf.SYM_SIZE));

    public bool IsUndefinedSymbol(int index) => ReadU16(_dynSym + (long)index * Elf.SYM_SIZE + 6) == Elf.SHN_UNDEF;

    public ushort ReadVersym(int index) => ReadU16(_versym + 2L * index);

    public void WriteVersym(int index, ushort value) => WriteU16(_versym + 2L * index, value);

    public void WriteDynamic(int index, long tag, ulong value)
    {
        long at = _dynamicOffset + (long)index * Elf.DYN_SIZE;
        WriteU64(at, (ulong)tag);
        WriteU64(at + 8, value);
    }

    public ushort ReadU16(long at) => (ushort)(Data[at] | Data[at + 1] << 8);

    public uint ReadU32(long at) => ReadU16(at) | (uint)ReadU16(at + 2) << 16;

    public ulong ReadU64(long at) => ReadU32(at) | (ulong)ReadU32(at + 4) << 32;

    public void WriteU16(long at, ushort value)
    {
        Data[at] = (byte)value;
        Data[at + 1] = (byte)(value >> 8);
    }

    private void WriteU64(long at, ulong value)
    {
        for (int i = 0; i < 8; i++)
            Data[at + i] = (byte)(value >> (8 * i));
    }
}
