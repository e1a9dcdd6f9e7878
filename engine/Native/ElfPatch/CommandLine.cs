namespace LlmOperator.ElfPatch;

/// <summary>When to patch: always (true), never (false), or when the system libstdc++ lacks the version (auto).</summary>
internal enum ForceMode { Auto, True, False }

/// <summary>The parsed command line; see <see cref="Usage"/>.</summary>
internal sealed record CommandLine(ForceMode Force, IReadOnlyList<string> LibStdCxx, string Compat, IReadOnlyList<string> Files)
{
    public const string Usage =
        "usage: LlmOperator.ElfPatch [--force true|false|auto] [--libstdcxx PATH...] --compat PATH FILE...\n" +
        "  Patches each FILE (a libLibTorchSharp.so copy) to load on a libstdc++ without GLIBCXX_3.4.32 and\n" +
        "  copies the --compat library next to each patched file. --force auto (default) patches only when the\n" +
        "  first existing --libstdcxx path (default: the usual libstdc++.so.6 locations) lacks that version.\n" +
        "  --libstdcxx takes every following argument up to the next option; use '--' before FILEs that follow it.";

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with the problem on bad usage.</summary>
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var force = ForceMode.Auto;
        var libStdCxx = new List<string>();
        var files = new List<string>();
        string? compat = null;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--force":
                    force = ParseForce(ValueAfter(args, ref i));
                    break;
                case "--compat":
                    compat = ValueAfter(args, ref i);
                    break;
                case "--libstdcxx":
                    libStdCxx.Add(ValueAfter(args, ref i));
                    while (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                        libStdCxx.Add(args[++i]);
                    break;
                case "--":
                    files.AddRange(args.Skip(i + 1));
                    i = args.Count;
                    break;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal))
                        throw new ArgumentException("unknown option '" + args[i] + "'.");
                    files.Add(args[i]);
                    break;
            }
        }
        if (compat is null)
            throw new ArgumentException("missing --compat PATH (the library to copy next to each patched file).");
        if (files.Count == 0)
            throw new ArgumentException("no FILE to patch.");
        return new CommandLine(force, libStdCxx.Count > 0 ? libStdCxx : LibStdCxxProbe.DefaultCandidates, compat, files);
    }

    private static string ValueAfter(IReadOnlyList<string> args, ref int i)
    {
        if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            throw new ArgumentException("option '" + args[i] + "' needs a value.");
        return args[++i];
    }

    // MSBuild compares property values case-insensitively; so does this.
    private static ForceMode ParseForce(string value) => value.ToLowerInvariant() switch
    {
        "true" => ForceMode.True,
        "false" => ForceMode.False,
        "auto" or "" => ForceMode.Auto,
        _ => throw new ArgumentException("--force must be true, false or auto, not '" + value + "'."),
    };
}
