using System.CommandLine;
using System.Text.Json;
using LlmOperator.Engine.Models;
using LlmOperator.Engine.Reference;
using LlmOperator.Engine.Reference.Conversion;
using LlmOperator.Engine.Reference.LlamaCpp;

namespace LlmOperator.Engine.LoadGen;

/// <summary>
/// <c>loadgen --model DIR [--concurrency "1,8,32,64"] [--prompt-tokens P] [--output-tokens G] [--threads N] [--max-num-batched-tokens B] [--gguf FILE]</c>:
/// a closed-loop load generator. At each fixed concurrency it sends the same seeded request list to the engine's
/// OpenAI server (a <c>serve</c> child, streamed completions over loopback) and to llama.cpp (LLamaSharp's batched
/// executor in a child process, on the same weights converted to an f32 GGUF and the same thread count), and prints
/// requests/s, output tokens/s, TTFT and inter-token latency p50/p99 for both, with the engine/llama.cpp ratios.
/// </summary>
public static class LoadGenCommand
{
    public const string ChildName = "loadgen-llamacpp";

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Hugging Face checkpoint directory.", Required = true };
        var concurrency = new Option<string>("--concurrency") { Description = "Concurrency levels.", DefaultValueFactory = _ => "1,8,32,64" };
        var prompt = new Option<int>("--prompt-tokens") { Description = "Mean prompt length (uniform in [P/2, 3P/2]).", DefaultValueFactory = _ => 64 };
        var output = new Option<int>("--output-tokens") { Description = "Tokens each request generates.", DefaultValueFactory = _ => 32 };
        var threads = new Option<int>("--threads") { Description = "Threads for both engines.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var gguf = new Option<string?>("--gguf") { Description = "Reuse this GGUF of the same model instead of converting." };
        var budget = new Option<int>("--max-num-batched-tokens")
        {
            Description = "Tokens per step for both: the engine's step budget and llama.cpp's n_batch.",
            DefaultValueFactory = _ => LlamaCppLoad.DefaultBatchTokens,
        };
        var command = new Command("loadgen", "Load-test the OpenAI server and llama.cpp with the same workload; print throughput, TTFT, ITL.");
        foreach (var option in new Option[] { model, concurrency, prompt, output, threads, gguf, budget }) command.Options.Add(option);
        command.SetAction(async result =>
        {
            var levels = TokenIds.Parse(result.GetRequiredValue(concurrency), "--concurrency");
            var workload = new Workload(result.GetValue(prompt), result.GetValue(output), Seed: 2026);
            var sides = new LoadSides(result.GetValue(threads), result.GetValue(budget));
            string report = await RunAsync(result.GetRequiredValue(model), levels, workload, sides, result.GetValue(gguf));
            Console.Write(report);
            return 0;
        });
        return command;
    }

    /// <summary>The hidden child: llama.cpp serving one level's requests (a JSON file), its <see cref="LevelResult"/> on stdout.</summary>
    public static Command CreateChild()
    {
        var gguf = new Option<string>("--gguf") { Required = true };
        var requests = new Option<string>("--requests") { Required = true };
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => Environment.ProcessorCount };
        var concurrency = new Option<int>("--concurrency") { DefaultValueFactory = _ => 1 };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => LlamaCppLoad.DefaultBatchTokens };
        var command = new Command(ChildName, "llama.cpp side of loadgen (child process).") { Hidden = true };
        foreach (var option in new Option[] { gguf, requests, threads, concurrency, batch }) command.Options.Add(option);
        command.SetAction(async result =>
        {
            var list = JsonSerializer.Deserialize<List<LoadRequest>>(await File.ReadAllTextAsync(result.GetRequiredValue(requests)))!;
            var sides = new LoadSides(result.GetValue(threads), result.GetValue(batch));
            var level = await LlamaCppLoad.RunAsync(result.GetRequiredValue(gguf), sides, result.GetValue(concurrency), list);
            Console.WriteLine(JsonSerializer.Serialize(level));
            return 0;
        });
        return command;
    }

    public static async Task<string> RunAsync(string modelDirectory, int[] levels, Workload workload, LoadSides sides, string? ggufPath)
    {
        var config = ModelConfig.Load(modelDirectory);
        string gguf = ggufPath ?? Path.Combine(Path.GetTempPath(), $"loadgen-{Guid.NewGuid():N}.gguf");
        try
        {
            if (ggufPath is null)
            {
                Console.Error.WriteLine($"loadgen: converting {modelDirectory} to {gguf}");
                CheckpointGgufConverter.Convert(modelDirectory, gguf);
            }
            var rows = new List<(LevelResult Engine, LevelResult? LlamaCpp)>();
            int maxModelLen = (workload.MaxSequence + 16 + 15) / 16 * 16;
            // Level by level, engine then llama.cpp, so both sides of a row see the same machine: on a shared host the
            // load drifts over a run, and all-engine-then-all-llama.cpp would charge the drift to one side. The idle
            // server waits (its loop sleeps on its channel) while llama.cpp runs.
            using var server = await EngineServerLoad.StartAsync(modelDirectory, sides, levels.Max(), maxModelLen);
            foreach (int c in levels)
            {
                var requests = workload.Requests(c, config.VocabSize);
                Console.Error.WriteLine($"loadgen: engine, concurrency {c} (load average {LoadAverage()})");
                var engine = await server.RunAsync(c, requests);
                Console.Error.WriteLine($"loadgen: {LoadReport.Line("engine", engine)}");
                Console.Error.WriteLine($"loadgen: llama.cpp, concurrency {c} (load average {LoadAverage()})");
                var llama = LlamaCpp(gguf, sides, c, requests);
                if (llama is not null) Console.Error.WriteLine($"loadgen: {LoadReport.Line("llama.cpp", llama)}");
                rows.Add((engine, llama));
            }
            return LoadReport.Format(modelDirectory, workload, sides, rows);
        }
        finally
        {
            if (ggufPath is null && File.Exists(gguf)) File.Delete(gguf);
        }
    }

    /// <summary>The 1-minute load average (Linux), so a report shows how busy the shared machine was; "?" elsewhere.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    /// <summary>A level llama.cpp could not finish (timeout, crash) is reported as missing, not fatal to the run.</summary>
    public static readonly TimeSpan LlamaCppTimeout = TimeSpan.FromMinutes(30);

    private static LevelResult? LlamaCpp(string gguf, LoadSides sides, int concurrency, IReadOnlyList<LoadRequest> requests)
    {
        string file = Path.Combine(Path.GetTempPath(), $"loadgen-requests-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(file, JsonSerializer.Serialize(requests));
            string json = EngineChildProcess.Run([ChildName, "--gguf", gguf, "--requests", file, "--threads", sides.Threads.ToString(),
                "--concurrency", concurrency.ToString(), "--batch", sides.BatchTokens.ToString()], LlamaCppTimeout, LlamaCppProcess.Environment);
            return JsonSerializer.Deserialize<LevelResult>(json.Trim().Split('\n')[^1])
                ?? throw new ChildProcessException($"{ChildName} printed no result: {json}");
        }
        catch (ChildProcessException e)
        {
            Console.Error.WriteLine($"loadgen: llama.cpp at concurrency {concurrency} gave no result: {e.Message}");
            return null;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
