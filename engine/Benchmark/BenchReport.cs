using System.Runtime.InteropServices;
using System.Text;
using LlmOperator.Engine.Reference.Conversion;

namespace LlmOperator.Engine.Benchmark;

/// <summary>One sequence count's numbers: the engine, llama.cpp, and the bandwidth floor, measured in the same run.</summary>
public sealed record BenchRow(DecodeTiming Engine, DecodeTiming LlamaCpp, double FloorDecodeTokensPerSecond);

/// <summary>The bench's printed table and the ratios the performance targets are stated in.</summary>
public static class BenchReport
{
    public static string Format(string model, GgufModelSpec spec, BenchSettings settings, double bandwidth, IReadOnlyList<BenchRow> rows,
        double matmulSeconds)
    {
        long parameters = WeightTraffic.Parameters(spec);
        var text = new StringBuilder();
        text.AppendLine($"machine: {Machine()}");
        text.AppendLine($"model: {model} ({spec.ArchitectureName}, {parameters / 1e6:F1}M parameters, {parameters * 4 / 1e6:F0} MB float32)");
        text.AppendLine($"threads: {settings.Threads} (engine and llama.cpp), prompt {settings.PromptTokens} tokens, " +
                        $"{settings.DecodeTokens} timed decode steps, best of {settings.Repeats}, OMP_WAIT_POLICY {settings.WaitPolicy}");
        text.AppendLine($"memory copy bandwidth: {bandwidth / 1e9:F2} GB/s (read + write, {settings.Threads} threads)");
        text.AppendLine();
        text.AppendLine("| sequences | engine prefill tok/s | engine decode tok/s | llama.cpp prefill tok/s | llama.cpp decode tok/s | engine / llama.cpp decode | floor decode tok/s | engine / floor |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            double engine = row.Engine.DecodeTokensPerSecond, llama = row.LlamaCpp.DecodeTokensPerSecond;
            text.AppendLine($"| {row.Engine.Sequences} | {row.Engine.PrefillTokensPerSecond:F1} | {engine:F1} | " +
                            $"{row.LlamaCpp.PrefillTokensPerSecond:F1} | {llama:F1} | {engine / llama:F2}× | " +
                            $"{row.FloorDecodeTokensPerSecond:F1} | {engine / row.FloorDecodeTokensPerSecond:F2} |");
        }
        text.AppendLine();
        if (rows.Count > 0 && rows[0].Engine.Sequences == 1)
        {
            double step = 1000 / rows[0].Engine.DecodeTokensPerSecond, matmul = matmulSeconds * 1000;
            text.AppendLine($"batch-1 decode step: engine {step:F1} ms, of which the weight matmuls alone take {matmul:F1} ms " +
                            $"({100 * matmul / step:F0}%); the other {step - matmul:F1} ms are per-op work and overhead " +
                            $"(attention over the cache, norms, RoPE, routing, metadata, op dispatch). " +
                            $"llama.cpp: {1000 / rows[0].LlamaCpp.DecodeTokensPerSecond:F1} ms per step.");
        }
        if (rows.Count > 1)
        {
            var (first, last) = (rows[0], rows[^1]);
            text.AppendLine($"aggregate decode at {last.Engine.Sequences} sequences vs {first.Engine.Sequences}: " +
                            $"engine {last.Engine.DecodeTokensPerSecond / first.Engine.DecodeTokensPerSecond:F2}×, " +
                            $"llama.cpp {last.LlamaCpp.DecodeTokensPerSecond / first.LlamaCpp.DecodeTokensPerSecond:F2}×");
        }
        return text.ToString();
    }

    /// <summary>OS, CPU model and core count, so a number is never quoted without its machine.</summary>
    public static string Machine()
    {
        string cpu = "unknown CPU";
        try
        {
            if (File.Exists("/proc/cpuinfo"))
                cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
                    ?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException)
        {
            // The CPU name is decoration; the numbers stand without it.
        }
        return $"{RuntimeInformation.OSDescription}, {cpu}, {Environment.ProcessorCount} cores, {RuntimeInformation.ProcessArchitecture}";
    }
}
