using LlmOperator.Engine.Weights;

namespace LlmOperator.Engine.ModelMaking;

/// <summary>What to make: a preset, optionally overridden, in a dtype, split into shards.</summary>
public sealed record MakeModelRequest(string OutputDirectory, ModelSpec Spec, int Seed, string Dtype, int Shards);

/// <summary>
/// Writes a random-weight model in the Hugging Face layout the engine loads: config.json, generation_config.json,
/// tokenizer.json, tokenizer_config.json and model.safetensors (or shards with model.safetensors.index.json).
/// </summary>
public static class ModelMaker
{
    /// <summary>Writes the model and returns the files written.</summary>
    public static IReadOnlyList<string> Make(MakeModelRequest request)
    {
        string directory = request.OutputDirectory;
        var tensors = RandomWeights.Tensors(request.Spec, request.Seed);
        if (request.Shards < 1 || request.Shards > tensors.Count)
            throw new ArgumentException($"--shards must be between 1 and {tensors.Count} (the model's tensor count); got {request.Shards}.");
        Directory.CreateDirectory(directory);
        RemoveStaleWeights(directory);
        var ids = TokenizerWriter.Write(directory, request.Spec);
        string config = Path.Combine(directory, CheckpointConfig.FileName);
        HuggingFaceConfigWriter.WriteConfig(config, request.Spec, request.Dtype, ids);
        string generation = Path.Combine(directory, "generation_config.json");
        HuggingFaceConfigWriter.WriteGenerationConfig(generation, ids);
        var weights = SafetensorsWriter.WriteCheckpoint(directory, tensors, request.Dtype, request.Shards);
        return
        [
            config, generation,
            Path.Combine(directory, TokenizerWriter.TokenizerFile),
            Path.Combine(directory, TokenizerWriter.TokenizerConfigFile),
            .. weights,
        ];
    }

    /// <summary>Re-making into the same directory with another shard count must not leave the old layout beside the new
    /// one: the loader prefers the index, so a stale index would shadow a fresh model.safetensors.</summary>
    private static void RemoveStaleWeights(string directory)
    {
        foreach (string path in Directory.EnumerateFiles(directory, "model*.safetensors*"))
            File.Delete(path);
    }
}
