using LlmOperator.Rules.Contract;

namespace LlmOperator.Engine.Contract;

/// <summary>
/// The file Kubernetes reads as the container's termination message (<c>terminationMessagePath</c>). Writing it is
/// best effort: a read-only or missing path must never turn a classified failure into an unclassified crash.
/// </summary>
public static class TerminationLog
{
    public const string DefaultPath = "/dev/termination-log";
    public const string PathVariable = "ENGINE_TERMINATION_LOG_PATH";
    public const string Flag = "--termination-log-path";

    /// <summary>The path when no flag names one: <c>ENGINE_TERMINATION_LOG_PATH</c>, else the Kubernetes default.</summary>
    public static string DefaultFromEnvironment() =>
        Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } path ? path : DefaultPath;

    /// <summary>
    /// The path from raw arguments, for when they do not parse (a usage error still deserves a termination message).
    /// Accepts <c>--termination-log-path PATH</c> and <c>--termination-log-path=PATH</c>.
    /// </summary>
    public static string ResolvePath(IReadOnlyList<string> args)
    {
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] == Flag && i + 1 < args.Count) return args[i + 1];
            if (args[i].StartsWith(Flag + "=", StringComparison.Ordinal)) return args[i][(Flag.Length + 1)..];
        }
        return DefaultFromEnvironment();
    }

    /// <summary>Writes <paramref name="message"/> as one JSON line and echoes it to stderr; false when it could not be written.</summary>
    public static bool Write(string path, TerminationMessage message)
    {
        string line = message.ToJsonLine();
        // Echoed so `kubectl logs --previous` shows it too, and so FallbackToLogsOnError still finds it when the file is lost.
        Console.Error.WriteLine($"termination message: {line}");
        try
        {
            if (Path.GetDirectoryName(Path.GetFullPath(path)) is { Length: > 0 } directory)
                Directory.CreateDirectory(directory);
            File.WriteAllText(path, line + "\n");
            return true;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"warning: could not write the termination message to {path}: {e.GetType().Name}: {e.Message}");
            return false;
        }
    }
}
