using System.Text;

namespace LlmOperator.ElfPatch;

/// <summary>Does the system libstdc++ already provide GLIBCXX_3.4.32 (then nothing needs patching)?</summary>
internal static class LibStdCxxProbe
{
    /// <summary>Where Linux distributions put libstdc++.so.6; the first existing one is inspected.</summary>
    public static readonly string[] DefaultCandidates =
    {
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/lib64/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6",
        "/usr/lib/libstdc++.so.6",
    };

    /// <summary>True when the library's bytes contain the version name (its .gnu.version_d string).</summary>
    public static bool HasMissingVersion(string libStdCxxPath)
    {
        byte[] needle = Encoding.ASCII.GetBytes(GlibcxxPatch.MissingVersion);
        return File.ReadAllBytes(libStdCxxPath).AsSpan().IndexOf(needle) >= 0;
    }

    /// <summary>
    /// True when the first existing candidate lacks GLIBCXX_3.4.32. A current distribution has it (and
    /// then nothing is patched); without any libstdc++ at the given paths we do not guess either.
    /// </summary>
    public static bool SystemNeedsFix(IEnumerable<string> candidates, out string reason)
    {
        foreach (string path in candidates)
        {
            if (!File.Exists(path))
                continue;
            bool hasVersion = HasMissingVersion(path);
            reason = path + (hasVersion ? " has " : " lacks ") + GlibcxxPatch.MissingVersion;
            return !hasVersion;
        }
        reason = "no system libstdc++.so.6 found";
        return false;
    }
}
