using System.CommandLine;
using System.Text.Json;
using LlmOperator.Engine.Benchmark;
using LlmOperator.Engine.Reference.LlamaCpp;

namespace LlmOperator.Engine.Reference.Commands;

/// <summary>
/// <c>llamacpp-bench --gguf FILE --token-ids "..." --sequences "1,8,32" --decode-tokens N [--threads N]</c> (hidden):
/// llama.cpp's prefill and decode speed for each sequence count, one JSON array of <see cref="DecodeTiming"/> on
/// stdout. <c>bench</c> runs it in a child process, so llama.cpp and the engine never share a process or a thread pool.
/// </summary>
public static class LlamaCppBenchCommand
{
    public const string Name = "llamacpp-bench";

    public static Command Create()
    {
        var gguf = new Option<string>("--gguf") { Description = "GGUF model file.", Required = true };
        var tokenIds = new Option<string>("--token-ids") { Description = "The prompt every sequence starts from.", Required = true };
        var sequences = new Option<string>("--sequences") { Description = "Sequence counts, e.g. \"1,8,32\".", DefaultValueFactory = _ => "1" };
        var decodeTokens = new Option<int>("--decode-tokens") { Description = "Timed decode steps.", DefaultValueFactory = _ => 32 };
        var threads = new Option<int>("--threads") { Description = "llama.cpp threads.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command(Name, "Measure llama.cpp (LLamaSharp) prefill and decode tokens/s.") { Hidden = true };
        foreach (var option in new Option[] { gguf, tokenIds, sequences, decodeTokens, threads }) command.Options.Add(option);
        command.SetAction(result => CommandErrors.Run(() =>
        {
            int[] prompt = TokenIds.Parse(result.GetRequiredValue(tokenIds), "--token-ids");
            int[] counts = TokenIds.Parse(result.GetRequiredValue(sequences), "--sequences");
            int steps = result.GetValue(decodeTokens);
            int perSequence = LlamaCppLogitsCommand.ContextFor(prompt.Length + steps + 1);
            using var runner = LlamaCppRunner.Load(result.GetRequiredValue(gguf), perSequence * counts.Max(), result.GetValue(threads), counts.Max());
            var timings = counts.Select(n => runner.MeasureDecode(prompt, n, steps)).ToList();
            Console.WriteLine(JsonSerializer.Serialize(timings));
            return 0;
        }));
        return command;
    }
}
