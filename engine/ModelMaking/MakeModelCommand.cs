using System.CommandLine;
using LlmOperator.Engine.Models;
using LlmOperator.Engine.Weights;
using LlmOperator.Rules.Contract;

namespace LlmOperator.Engine.ModelMaking;

/// <summary>
/// <c>make-model (--out DIR | --hf-cache DIR --name ORG/NAME) [--preset P] [--seed N] [--dtype f32|f16|bf16] [--shards N]
/// [--attention-chunk-size C] [--max-position-embeddings N]</c>: writes a small random-weight model in the Hugging Face
/// layout, for tests and local runs: into a folder, or into a hub cache where <c>serve --model ORG/NAME</c> finds it.
/// </summary>
public static class MakeModelCommand
{
    public static Command Create()
    {
        var output = new Option<string?>("--out") { Description = "Directory to write the model into." };
        var hubCache = new Option<string?>("--hf-cache") { Description = "A Hugging Face hub cache (as $HF_HUB_CACHE) to write the model into, as --name." };
        var name = new Option<string?>("--name") { Description = "The model's hub id in --hf-cache (ORG/NAME), the --model that serve is given." };
        var preset = new Option<string>("--preset")
        {
            Description = $"Model shape: {string.Join(", ", ModelPresets.Names)}.",
            DefaultValueFactory = _ => ModelPresets.TinyLlama4.Preset,
        };
        preset.AcceptOnlyFromAmong([.. ModelPresets.Names]);
        var seed = new Option<int>("--seed") { Description = "Seed of the random weights.", DefaultValueFactory = _ => 0 };
        var dtype = new Option<string>("--dtype") { Description = "Stored dtype.", DefaultValueFactory = _ => "f32" };
        dtype.AcceptOnlyFromAmong("f32", "f16", "bf16");
        var shards = new Option<int>("--shards") { Description = "Number of safetensors shards.", DefaultValueFactory = _ => 1 };
        var chunk = new Option<int?>("--attention-chunk-size") { Description = "Llama 4 attention_chunk_size (default 8192)." };
        var maxPositions = new Option<int?>("--max-position-embeddings") { Description = "max_position_embeddings." };

        var command = new Command("make-model", "Write a random-weight model (config, safetensors, tokenizer) in the Hugging Face layout.")
        {
            output, hubCache, name, preset, seed, dtype, shards, chunk, maxPositions,
        };
        command.Validators.Add(result =>
        {
            bool toFolder = result.GetResult(output) is not null, toCache = result.GetResult(hubCache) is not null;
            if (toFolder == toCache) result.AddError("make-model needs exactly one of --out DIR and --hf-cache DIR.");
            if (toCache != (result.GetResult(name) is not null)) result.AddError("--hf-cache and --name go together: --hf-cache DIR --name ORG/NAME.");
        });
        command.SetAction(result =>
        {
            try
            {
                var spec = Override(ModelPresets.Find(result.GetRequiredValue(preset)),
                    result.GetValue(chunk), result.GetValue(maxPositions));
                var request = new MakeModelRequest(result.GetValue(output) ?? "", spec, result.GetValue(seed),
                    SafetensorsDtype.Parse(result.GetRequiredValue(dtype)), result.GetValue(shards));
                var files = result.GetValue(hubCache) is { } cache
                    ? MakeIntoCache(request, cache, result.GetRequiredValue(name)!)
                    : ModelMaker.Make(request);
                foreach (string file in files)
                    Console.WriteLine(file);
                return 0;
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return (int)FailureClass.Usage;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: cannot write the model: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    /// <summary>Makes the model in a scratch folder inside the cache (one file system: the files move, not copy), then publishes it.</summary>
    public static IReadOnlyList<string> MakeIntoCache(MakeModelRequest request, string cache, string repoId)
    {
        if (!HuggingFaceHubCache.IsRepoId(repoId))
            throw new ArgumentException($"--name '{repoId}' is not a Hugging Face repository id: use ORG/NAME of letters, digits, '-', '_' and '.'.");
        string scratch = Path.Combine(Directory.CreateDirectory(cache).FullName, $".make-model-{Guid.NewGuid():N}");
        try
        {
            ModelMaker.Make(request with { OutputDirectory = scratch });
            return HubCacheWriter.Publish(scratch, cache, repoId);
        }
        finally
        {
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>Applies the overrides; each is checked against the preset it changes.</summary>
    public static ModelSpec Override(ModelSpec spec, int? attentionChunkSize, int? maxPositionEmbeddings)
    {
        if (attentionChunkSize is { } c)
        {
            if (!spec.IsLlama4)
                throw new ArgumentException($"--attention-chunk-size applies to Llama 4 presets; '{spec.Preset}' has no chunked attention.");
            if (c < 1)
                throw new ArgumentException($"--attention-chunk-size must be at least 1; got {c}.");
            spec = spec with { AttentionChunkSize = c };
        }
        if (maxPositionEmbeddings is { } m)
        {
            if (m < 1)
                throw new ArgumentException($"--max-position-embeddings must be at least 1; got {m}.");
            spec = spec with { MaxPositionEmbeddings = m };
        }
        return spec;
    }
}
