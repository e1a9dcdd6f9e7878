using System.Globalization;

namespace LlmOperator.Operator.Benchmark;

/// <summary>
/// One look at a Linux process through /proc: resident memory now (VmRSS), its peak over the process's life
/// (VmHWM, the kernel's own high-water mark, so a spike between two samples is not missed), and CPU time used.
/// </summary>
public sealed record ProcessSample(long RssBytes, long PeakRssBytes, TimeSpan CpuTime)
{
    /// <summary>The sample of process <paramref name="pid"/>, or null when it has exited or /proc is not there.</summary>
    public static ProcessSample? Read(int pid)
    {
        try
        {
            var status = File.ReadAllLines($"/proc/{pid}/status");
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return new ProcessSample(Kilobytes(status, "VmRSS:") * 1024, Kilobytes(status, "VmHWM:") * 1024, CpuTimeOf(stat));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long Kilobytes(string[] status, string field) =>
        status.FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal)) is { } line
            ? long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture)
            : 0;

    /// <summary>utime + stime (fields 14 and 15 of /proc/PID/stat, in clock ticks), after the parenthesised name.</summary>
    private static TimeSpan CpuTimeOf(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state): utime is field 14 → index 11, stime field 15 → index 12.
        long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / (double)ClockTicksPerSecond);
    }

    /// <summary>USER_HZ: 100 on every Linux architecture .NET runs on.</summary>
    private const int ClockTicksPerSecond = 100;
}
