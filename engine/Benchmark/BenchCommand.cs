using System.CommandLine;
using System.Text.Json;
using LlmOperator.Engine.Reference;
using LlmOperator.Engine.Reference.Commands;
using LlmOperator.Engine.Reference.Conversion;
using LlmOperator.Engine.Reference.LlamaCpp;

namespace LlmOperator.Engine.Benchmark;

/// <summary>What one bench run measures.</summary>
public sealed record BenchSettings(int Threads, int PromptTokens, int DecodeTokens, int[] Sequences, int Repeats, string WaitPolicy = "default");

/// <summary>
/// <c>bench --model DIR [--threads N] [--prompt-tokens P] [--decode-tokens G] [--sequences "1,8,32"] [--repeats R]
/// [--gguf FILE] [--omp-wait-policy passive|active|default]</c>: the engine's prefill and decode tokens/s for each sequence count, beside llama.cpp's on the same
/// weights (converted to a float32 GGUF) and thread count, and the memory-bandwidth floor, all measured in this run.
/// llama.cpp runs in a child process. Engine and llama.cpp runs alternate per sequence count and the best run of each is kept,
/// so neighbours on a shared machine slow both sides alike rather than one.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Hugging Face checkpoint directory.", Required = true };
        var threads = new Option<int>("--threads") { Description = "Threads for both engines.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var prompt = new Option<int>("--prompt-tokens") { Description = "Prompt length of every sequence.", DefaultValueFactory = _ => 64 };
        var decode = new Option<int>("--decode-tokens") { Description = "Timed decode steps.", DefaultValueFactory = _ => 32 };
        var sequences = new Option<string>("--sequences") { Description = "Sequence counts.", DefaultValueFactory = _ => "1,8,32" };
        var repeats = new Option<int>("--repeats") { Description = "Passes per side; the best is kept.", DefaultValueFactory = _ => 2 };
        var gguf = new Option<string?>("--gguf") { Description = "Reuse this GGUF of the same model instead of converting." };
        var waitPolicy = new Option<string>("--omp-wait-policy")
        {
            Description = "OMP_WAIT_POLICY of both engines: passive (idle threads sleep; right on a shared or CPU-limited machine), active (spin), default.",
            DefaultValueFactory = _ => "passive",
        };
        var command = new Command("bench", "Measure engine prefill/decode tokens/s beside llama.cpp and the memory-bandwidth floor.");
        foreach (var option in new Option[] { model, threads, prompt, decode, sequences, repeats, gguf, waitPolicy }) command.Options.Add(option);
        command.SetAction(result => CommandErrors.Run(() =>
        {
            var settings = new BenchSettings(result.GetValue(threads), result.GetValue(prompt), result.GetValue(decode),
                TokenIds.Parse(result.GetRequiredValue(sequences), "--sequences"), result.GetValue(repeats),
                OpenMpWaitPolicy.Parse(result.GetRequiredValue(waitPolicy)));
            if (settings.Threads < 1 || settings.PromptTokens < 1 || settings.DecodeTokens < 1 || settings.Repeats < 1 || settings.Sequences.Any(s => s < 1))
                throw new FormatException("--threads, --prompt-tokens, --decode-tokens, --repeats and --sequences must all be at least 1.");
            OpenMpWaitPolicy.Apply(settings.WaitPolicy); // before the first torch call loads libgomp
            Console.Write(Run(result.GetRequiredValue(model), settings, result.GetValue(gguf)));
            return 0;
        }));
        return command;
    }

    public static string Run(string modelDirectory, BenchSettings settings, string? ggufPath)
    {
        var spec = CheckpointGgufConverter.ReadSpec(modelDirectory);
        int[] prompt = [.. Enumerable.Range(0, settings.PromptTokens).Select(i => (int)((i * 7919L + 13) % spec.VocabSize))];
        string gguf = ggufPath ?? Path.Combine(Path.GetTempPath(), $"bench-{Guid.NewGuid():N}.gguf");
        try
        {
            if (ggufPath is null)
            {
                Console.Error.WriteLine($"bench: converting {modelDirectory} to {gguf}");
                CheckpointGgufConverter.Convert(modelDirectory, gguf);
            }
            Console.Error.WriteLine("bench: measuring memory bandwidth");
            double bandwidth = MemoryBandwidth.Measure(settings.Threads);
            var (engine, llama, matmulSeconds) = Measure(modelDirectory, spec, gguf, prompt, settings);
            double averageContext = prompt.Length + settings.DecodeTokens / 2.0;
            var rows = engine.Zip(llama, (e, l) => new BenchRow(e, l,
                e.Sequences * bandwidth / WeightTraffic.BytesPerDecodeStep(spec, e.Sequences, averageContext))).ToList();
            return BenchReport.Format(modelDirectory, spec, settings, bandwidth, rows, matmulSeconds);
        }
        finally
        {
            if (ggufPath is null && File.Exists(gguf)) File.Delete(gguf);
        }
    }

    private static (List<DecodeTiming> Engine, List<DecodeTiming> LlamaCpp, double MatmulSeconds) Measure(
        string modelDirectory, GgufModelSpec spec, string gguf, int[] prompt, BenchSettings settings)
    {
        var engine = new DecodeTiming?[settings.Sequences.Length];
        var llama = new DecodeTiming?[settings.Sequences.Length];
        using var bench = EngineBench.Load(modelDirectory, settings.Threads, settings.Sequences.Max(), prompt.Length + settings.DecodeTokens + 1);
        // Engine and llama.cpp alternate per sequence count, so a busy spell of the machine hits both sides.
        for (int pass = 1; pass <= settings.Repeats; pass++)
            for (int i = 0; i < settings.Sequences.Length; i++)
            {
                int sequences = settings.Sequences[i];
                Console.Error.WriteLine($"bench: pass {pass}/{settings.Repeats}, {sequences} sequences: engine, llama.cpp");
                var e = bench.Measure(prompt, sequences, settings.DecodeTokens);
                var l = LlamaCpp(gguf, prompt, sequences, settings).Single();
                engine[i] = engine[i]?.Best(e) ?? e;
                llama[i] = llama[i]?.Best(l) ?? l;
            }
        Console.Error.WriteLine("bench: timing the weight matmuls of one token alone");
        return ([.. engine.Select(t => t!)], [.. llama.Select(t => t!)], bench.MatmulOnlySeconds(spec));
    }

    private static List<DecodeTiming> LlamaCpp(string gguf, int[] prompt, int sequences, BenchSettings settings)
    {
        string json = EngineChildProcess.Run(
            [LlamaCppBenchCommand.Name, "--gguf", gguf, "--token-ids", TokenIds.Format(prompt),
             "--sequences", sequences.ToString(), "--decode-tokens", settings.DecodeTokens.ToString(),
             "--threads", settings.Threads.ToString()],
            LlamaCppProcess.DefaultTimeout, OpenMpWaitPolicy.ChildEnvironment(LlamaCppProcess.Environment, settings.WaitPolicy));
        return JsonSerializer.Deserialize<List<DecodeTiming>>(json)
            ?? throw new ChildProcessException($"{LlamaCppBenchCommand.Name} printed no timings: {json}");
    }
}
