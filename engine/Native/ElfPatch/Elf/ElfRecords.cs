namespace LlmOperator.ElfPatch.Elf;

/// <summary>One .dynamic entry; Index is its position in the section.</summary>
internal readonly record struct DynamicEntry(int Index, long Tag, ulong Value);

/// <summary>A dynstr offset stored somewhere in the file; DynamicIndex is -1 outside .dynamic.</summary>
internal readonly record struct StringRef(string What, ulong Offset, int DynamicIndex = -1);

/// <summary>An Elf64_Vernaux record: Offset is its file offset, Other the version index used in .gnu.version.</summary>
internal readonly record struct Vernaux(long Offset, ushort Flags, ushort Other);

/// <summary>A problem that makes the patch unsafe; the message names what was unexpected.</summary>
internal sealed class ElfPatchException : Exception
{
    public ElfPatchException(string message) : base(message) { }
}
