using System.Text.Json;
using LlmOperator.Engine.Generation;
using LlmOperator.Engine.Numerics;
using LlmOperator.Engine.Tests.Weights;
using LlmOperator.Rules.Settings;

namespace LlmOperator.Engine.Tests.Generation;

/// <summary>The outcome of one <c>generate</c> run: exit code, printed JSON, stderr, termination message, logits.</summary>
internal sealed record GenerateRun(int ExitCode, GenerateOutput? Output, string Stderr, string? TerminationMessage, float[]? Logits, long[]? LogitsShape);

/// <summary>
/// Runs <c>generate</c>'s action in this process (libtorch is loaded once, not per run) with its own output writers,
/// termination-log path and logits file: the same code path as the CLI after flag parsing.
/// </summary>
internal static class InProcessGenerate
{
    public static GenerateRun Run(string model, IReadOnlyList<int> tokenIds, int maxTokens, EngineSettings settings, bool dumpLogits = false)
    {
        using var temp = new TempDirectory();
        var options = new GenerateOptions
        {
            Model = model,
            TokenIds = tokenIds,
            MaxTokens = maxTokens,
            Settings = settings with { Runtime = EngineRuntime.Engine, MaxNumSeqs = 1 },
            DumpLogitsPath = dumpLogits ? temp.File("logits.npy") : null,
            IgnoreEos = true,
            TerminationLogPath = temp.File("termination-log"),
        };
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exitCode = GenerateRunner.Run(options, stdout, stderr);

        var output = exitCode == 0 ? JsonSerializer.Deserialize<GenerateOutput>(stdout.ToString()) : null;
        string? termination = File.Exists(options.TerminationLogPath) ? File.ReadAllText(options.TerminationLogPath) : null;
        var (logits, shape) = exitCode == 0 && dumpLogits ? Npy.ReadFloat32(options.DumpLogitsPath!) : (null, null);
        return new GenerateRun(exitCode, output, stderr.ToString(), termination, logits, shape);
    }
}
