using System.Globalization;
using System.Text;

namespace LlmOperator.Engine.LoadGen;

/// <summary>The load run as a Markdown table: both engines per concurrency level, and engine/llama.cpp ratios.</summary>
public static class LoadReport
{
    public static string Format(string model, Workload workload, LoadSides sides, IReadOnlyList<(LevelResult Engine, LevelResult? LlamaCpp)> rows)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Model {model}; prompts {workload.PromptTokens / 2}..{workload.PromptTokens * 3 / 2} tokens, {workload.OutputTokens} output tokens each; {sides.Threads} threads; {sides.BatchTokens} tokens per step; machine: {Environment.ProcessorCount} logical CPUs.");
        text.AppendLine();
        text.AppendLine("| C | side | req/s | out tok/s | TTFT p50 ms | TTFT p99 ms | ITL p50 ms | ITL p99 ms |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var (engine, llama) in rows)
        {
            Row(text, "engine (HTTP)", engine);
            if (llama is null)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {engine.Concurrency} | llama.cpp | no result (see stderr) | | | | | |");
                continue;
            }
            Row(text, "llama.cpp", llama);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {engine.Concurrency} | ratio engine/llama.cpp | {engine.RequestsPerSecond / llama.RequestsPerSecond:0.00} | {engine.OutputTokensPerSecond / llama.OutputTokensPerSecond:0.00} | {engine.TtftP50 / llama.TtftP50:0.00} | {engine.TtftP99 / llama.TtftP99:0.00} | {engine.ItlP50 / llama.ItlP50:0.00} | {engine.ItlP99 / llama.ItlP99:0.00} |");
        }
        return text.ToString();
    }

    private static void Row(StringBuilder text, string side, LevelResult r) => text.AppendLine(Line(side, r));

    /// <summary>One side at one level as a table row (also printed to stderr as each level ends).</summary>
    public static string Line(string side, LevelResult r) => string.Create(CultureInfo.InvariantCulture,
        $"| {r.Concurrency} | {side} | {r.RequestsPerSecond:0.00} | {r.OutputTokensPerSecond:0.0} | {r.TtftP50 * 1000:0} | {r.TtftP99 * 1000:0} | {r.ItlP50 * 1000:0.0} | {r.ItlP99 * 1000:0.0} |");
}
