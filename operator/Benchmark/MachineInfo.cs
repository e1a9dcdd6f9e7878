using System.Globalization;

namespace LlmOperator.Operator.Benchmark;

/// <summary>What the numbers were measured on: CPU model, cores, memory and the load other work put on it.</summary>
public sealed record MachineInfo(string Cpu, int Cores, long MemoryBytes, string LoadAverage)
{
    public static MachineInfo Read() => new(
        ReadField("/proc/cpuinfo", "model name") ?? "unknown CPU",
        Environment.ProcessorCount,
        long.TryParse(ReadField("/proc/meminfo", "MemTotal")?.Split(' ')[0], CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : 0,
        LoadNow());

    /// <summary>The 1, 5 and 15 minute load averages (/proc/loadavg), or "unknown".</summary>
    public static string LoadNow()
    {
        try
        {
            return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    public override string ToString() =>
        $"{Cpu}, {Cores} cores, {MemoryBytes / (1024.0 * 1024 * 1024):0.0} GiB RAM, load average {LoadAverage} (1/5/15 min)";

    private static string? ReadField(string file, string name)
    {
        try
        {
            return File.ReadLines(file).Where(l => l.StartsWith(name, StringComparison.Ordinal))
                .Select(l => l[(l.IndexOf(':') + 1)..].Trim()).FirstOrDefault();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
