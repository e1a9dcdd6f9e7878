using System.Text;

namespace LlmOperator.ElfPatch.Elf;

/// <summary>
/// Minimal ELF64 little-endian reader/writer over the whole file's bytes: headers, .dynamic,
/// .dynstr, .dynsym and .gnu.version here; the version records in ElfFile.Versions.cs.
/// Offsets read from a damaged file surface as IndexOutOfRangeException / OverflowException.
/// </summary>
internal sealed partial class ElfFile
{
    public readonly byte[] Data;
    public readonly List<DynamicEntry> Dynamic = new();
    private readonly List<long[]> _loads = new(); // {p_offset, p_vaddr, p_filesz}
    private long _dynamicOffset, _dynamicSize;
    private long _dynStr, _dynSym, _versym;

    public bool IsX86_64 { get; }
    public ulong DynStrSize { get; private set; }
    public int DynSymCount { get; private set; }

    public ElfFile(byte[] data)
    {
        Data = data;
        if (data.Length < 64 || data[0] != 0x7f || data[1] != 'E' || data[2] != 'L' || data[3] != 'F')
            throw new ElfPatchException("not an ELF file.");
        if (data[4] != ElfConstants.ELFCLASS64 || data[5] != ElfConstants.ELFDATA2LSB)
            throw new ElfPatchException("not a 64-bit little-endian ELF file.");
        IsX86_64 = ReadU16(0x12) == ElfConstants.EM_X86_64;
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
            if (type == ElfConstants.PT_LOAD)
                _loads.Add(new[] { (long)ReadU64(ph + 8), (long)ReadU64(ph + 16), (long)ReadU64(ph + 32) });
            else if (type == ElfConstants.PT_DYNAMIC)
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
        for (int i = 0; i < _dynamicSize / ElfConstants.DYN_SIZE; i++)
        {
            long at = DynamicFileOffset(i);
            var entry = new DynamicEntry(i, (long)ReadU64(at), ReadU64(at + 8));
            if (entry.Tag == ElfConstants.DT_NULL)
                return;
            Dynamic.Add(entry);
        }
        throw new ElfPatchException(".dynamic has no DT_NULL terminator.");
    }

    private void ReadDynamicTables()
    {
        _dynStr = ToFileOffset(RequireTag(ElfConstants.DT_STRTAB));
        DynStrSize = RequireTag(ElfConstants.DT_STRSZ);
        _dynSym = ToFileOffset(RequireTag(ElfConstants.DT_SYMTAB));
        ulong symEnt = FindTag(ElfConstants.DT_SYMENT) ?? ElfConstants.SYM_SIZE;
        if (symEnt != ElfConstants.SYM_SIZE)
            throw new ElfPatchException("unexpected DT_SYMENT " + symEnt + ".");
        _versym = ToFileOffset(RequireTag(ElfConstants.DT_VERSYM));
    }

    /// <summary>The dynamic tables carry no symbol count; the .dynsym section header does.</summary>
    private int CountDynSyms()
    {
        long shoff = (long)ReadU64(0x28);
        int shentsize = ReadU16(0x3A), shnum = ReadU16(0x3C);
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            if (ReadU32(sh + 4) != ElfConstants.SHT_DYNSYM)
                continue;
            ulong size = ReadU64(sh + 32), entSize = ReadU64(sh + 56);
            if (entSize != ElfConstants.SYM_SIZE)
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

    // File offsets of the records the patch edits (also used by the tests to bound the changes).
    public long DynamicFileOffset(int index) => _dynamicOffset + (long)index * ElfConstants.DYN_SIZE;

    public long DynStrFileOffset(ulong offset) => _dynStr + (long)offset;

    public long VersymFileOffset(int index) => _versym + 2L * index;

    private long SymbolFileOffset(int index) => _dynSym + (long)index * ElfConstants.SYM_SIZE;

    public string DynString(ulong offset)
    {
        if (offset >= DynStrSize)
            throw new ElfPatchException("dynstr offset " + offset + " is outside .dynstr.");
        long start = DynStrFileOffset(offset), end = start;
        while (Data[end] != 0)
            end++;
        return Encoding.ASCII.GetString(Data, (int)start, (int)(end - start));
    }

    public void WriteDynStr(ulong offset, byte[] bytes) => Array.Copy(bytes, 0, Data, DynStrFileOffset(offset), bytes.Length);

    public uint SymbolNameOffset(int index) => ReadU32(SymbolFileOffset(index));

    public string SymbolName(int index) => DynString(SymbolNameOffset(index));

    public bool IsUndefinedSymbol(int index) => ReadU16(SymbolFileOffset(index) + 6) == ElfConstants.SHN_UNDEF;

    public ushort ReadVersym(int index) => ReadU16(VersymFileOffset(index));

    public void WriteVersym(int index, ushort value) => WriteU16(VersymFileOffset(index), value);

    public void WriteDynamic(int index, long tag, ulong value)
    {
        long at = DynamicFileOffset(index);
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
