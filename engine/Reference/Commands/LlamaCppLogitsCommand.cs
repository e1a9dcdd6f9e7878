using System.CommandLine;
using LlmOperator.Engine.Numerics;
using LlmOperator.Engine.Reference.LlamaCpp;

namespace LlmOperator.Engine.Reference.Commands;

/// <summary>
/// <c>llamacpp-logits --gguf FILE --token-ids "..." --out FILE.npy [--threads N]</c> (hidden): llama.cpp's logits for
/// every position, float32 <c>[tokens, vocab]</c>, the same layout as <c>generate --dump-logits</c> writes for a prompt.
/// The oracle runs this in a child process (<see cref="LlamaCppProcess"/>).
/// </summary>
public static class LlamaCppLogitsCommand
{
    public const string Name = "llamacpp-logits";

    public static Command Create()
    {
        var gguf = new Option<string>("--gguf") { Description = "GGUF model file.", Required = true };
        var tokenIds = new Option<string>("--token-ids") { Description = "Token ids, e.g. \"1 2 3\".", Required = true };
        var output = new Option<string>("--out") { Description = ".npy file for the logits.", Required = true };
        var threads = new Option<int>("--threads") { Description = "llama.cpp threads.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command(Name, "Evaluate token ids with llama.cpp (LLamaSharp) and write every position's logits.")
        {
            Hidden = true,
        };
        foreach (var option in new Option[] { gguf, tokenIds, output, threads }) command.Options.Add(option);
        command.SetAction(result => CommandErrors.Run(() =>
        {
            int[] tokens = TokenIds.Parse(result.GetRequiredValue(tokenIds), "--token-ids");
            int threadCount = result.GetValue(threads);
            if (threadCount < 1) throw new FormatException($"--threads must be at least 1, got {threadCount}.");
            using var runner = LlamaCppRunner.Load(result.GetRequiredValue(gguf), ContextFor(tokens.Length), threadCount);
            float[] logits = runner.EvaluateLogits(tokens);
            Npy.WriteFloat32(result.GetRequiredValue(output), logits, [tokens.Length, runner.VocabSize]);
            return 0;
        }));
        return command;
    }

    /// <summary>llama.cpp pads the context to 256 cells; asking for a multiple of 256 avoids its warning.</summary>
    public static int ContextFor(int tokens) => Math.Max(256, (tokens + 255) / 256 * 256);
}
