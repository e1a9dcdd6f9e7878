namespace LlmOperator.ElfPatch.Elf;

/// <summary>ELF64 constants used here (names as in elf.h).</summary>
internal static class ElfConstants
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

    // Field offsets and sizes of ELF64 records.
    public const int VNA_FLAGS = 4;
    public const int SYM_SIZE = 24;
    public const int DYN_SIZE = 16;
    public const int VERNEED_SIZE = 16;
}
