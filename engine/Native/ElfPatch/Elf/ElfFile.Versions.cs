namespace LlmOperator.ElfPatch.Elf;

/// <summary>Symbol versioning records (DT_VERNEED, DT_VERDEF) and the dynstr references they hold.</summary>
internal sealed partial class ElfFile
{
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
                    return new Vernaux(aux, ReadU16(aux + ElfConstants.VNA_FLAGS), ReadU16(aux + 6));
            }
        }
        return null;
    }

    private IEnumerable<long> VerneedRecords()
    {
        ulong? address = FindTag(ElfConstants.DT_VERNEED);
        if (address == null)
            yield break;
        ulong count = FindTag(ElfConstants.DT_VERNEEDNUM) ?? throw new ElfPatchException("DT_VERNEED without DT_VERNEEDNUM.");
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
            if (Array.IndexOf(ElfConstants.StringTags, entry.Tag) >= 0)
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
            yield return new StringRef("dynamic symbol " + i + " name", SymbolNameOffset(i));
    }

    private IEnumerable<StringRef> VerdefNames()
    {
        ulong? address = FindTag(ElfConstants.DT_VERDEF);
        if (address == null)
            yield break;
        ulong count = FindTag(ElfConstants.DT_VERDEFNUM) ?? throw new ElfPatchException("DT_VERDEF without DT_VERDEFNUM.");
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
}
