using System.Runtime.InteropServices;

namespace LlmOperator.Engine.Benchmark;

/// <summary>
/// How idle OpenMP threads wait at a barrier (<c>OMP_WAIT_POLICY</c>), for libtorch's libgomp in this process and for
/// the llama.cpp child's (ggml is built with OpenMP too), so both sides of the bench wait the same way.
/// <para>WHY: spinning (libgomp's default) is only free on idle cores. On a shared 2-core machine a thread that has
/// finished its share spins on a core its sibling or the next op needs; perf on a loaded run (load average 10–24)
/// put about half of the engine process's samples and 60% of llama.cpp's in libgomp's spin loop. <c>passive</c> makes a
/// waiting thread sleep instead.</para>
/// <para>libgomp reads the variable once, when it is loaded; .NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/>
/// does not reach the native environment on Unix, so this calls libc's <c>setenv</c>, and must run before the first
/// torch call of the process.</para>
/// </summary>
public static partial class OpenMpWaitPolicy
{
    public const string Variable = "OMP_WAIT_POLICY";

    /// <summary>The accepted values: <c>passive</c>, <c>active</c>, or <c>default</c> (leave the variable alone).</summary>
    public static readonly IReadOnlyList<string> Values = ["passive", "active", "default"];

    /// <summary>Checks <paramref name="policy"/> and returns it lower-cased.</summary>
    public static string Parse(string policy)
    {
        string value = policy.Trim().ToLowerInvariant();
        return Values.Contains(value) ? value
            : throw new FormatException($"--omp-wait-policy '{policy}' is not one of {string.Join(", ", Values)}.");
    }

    /// <summary>Sets the variable in this process's native environment (before libgomp loads); <c>default</c> does nothing.</summary>
    public static void Apply(string policy)
    {
        if (policy == "default" || !OperatingSystem.IsLinux()) return;
        if (SetEnv(Variable, policy.ToUpperInvariant(), 1) != 0)
            throw new InvalidOperationException($"setenv({Variable}) failed with errno {Marshal.GetLastPInvokeError()}.");
    }

    /// <summary>The child environment carrying the same policy as this process.</summary>
    public static IReadOnlyDictionary<string, string> ChildEnvironment(IReadOnlyDictionary<string, string> baseEnvironment, string policy)
    {
        var environment = new Dictionary<string, string>(baseEnvironment);
        if (policy != "default") environment[Variable] = policy.ToUpperInvariant();
        return environment;
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
