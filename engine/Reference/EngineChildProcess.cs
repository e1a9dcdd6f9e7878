using System.Diagnostics;
using System.Text;

namespace LlmOperator.Engine.Reference;

/// <summary>
/// Runs an engine subcommand in a child process (<c>dotnet LlmOperator.Engine.dll …</c>). llama.cpp answers some
/// malformed GGUFs with abort() (GGML_ASSERT), which no exception handler survives; in a child that becomes a
/// non-zero exit reported with the child's own last words, and a hang becomes a timeout instead of a stuck caller.
/// </summary>
public static class EngineChildProcess
{
    private const int StderrTailChars = 4000;

    /// <summary>Runs the engine with <paramref name="arguments"/> (and extra <paramref name="environment"/> variables) and
    /// returns its stdout; throws <see cref="ChildProcessException"/> on a non-zero exit, a signal, or a timeout.</summary>
    public static string Run(IReadOnlyList<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(EngineChildProcess).Assembly.Location);
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;

        using var process = new Process { StartInfo = start };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new ChildProcessException($"engine child `{arguments[0]}` did not finish within {timeout}; it was killed.\n{Tail(stderr)}");
        }
        process.WaitForExit(); // drains the asynchronous output readers
        if (process.ExitCode != 0)
            throw new ChildProcessException($"engine child `{arguments[0]}` failed: {DescribeExit(process.ExitCode)}.\n{Tail(stderr)}");
        lock (stdout) return stdout.ToString();
    }

    /// <summary>.NET reports a child killed by signal N as exit code 128 + N.</summary>
    public static string DescribeExit(int exitCode) => exitCode switch
    {
        134 => "exit code 134 = SIGABRT: the child aborted; from llama.cpp that is a GGML_ASSERT, typically on a malformed or incomplete GGUF (stderr below)",
        137 => "exit code 137 = SIGKILL: killed, often by the out-of-memory killer",
        139 => "exit code 139 = SIGSEGV: the child crashed",
        _ => $"exit code {exitCode}",
    };

    /// <summary>The dotnet host: this process when it is one (tests, `dotnet x.dll`), else the SDK's, else PATH's.</summary>
    private static string DotnetHost()
    {
        string? self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return host is { Length: > 0 } && File.Exists(host) ? host : "dotnet";
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null) return;
        lock (output) output.AppendLine(line);
    }

    private static string Tail(StringBuilder stderr)
    {
        lock (stderr)
        {
            string text = stderr.ToString().TrimEnd();
            if (text.Length == 0) return "(the child wrote nothing to stderr)";
            return "stderr: " + (text.Length <= StderrTailChars ? text : "…" + text[^StderrTailChars..]);
        }
    }
}

public sealed class ChildProcessException(string message) : Exception(message);
