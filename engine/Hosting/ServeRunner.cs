using LlmOperator.Engine.Contract;
using LlmOperator.Engine.Models;
using LlmOperator.Rules.Contract;

namespace LlmOperator.Engine.Hosting;

/// <summary><c>serve</c>'s action: validate, find the weights to load, then host. Returns the process's exit code.</summary>
public static class ServeRunner
{
    public static async Task<int> RunAsync(ServeOptions options, CancellationToken cancellation)
    {
        if (!StartupValidator.TryValidate(options, out var model, out int exitCode))
            return exitCode;
        if (ModelSource.CheckpointDirectory(options.Model) is not { } checkpoint)
            return NoCheckpoint(options);
        return await EngineHost.RunAsync(options with { CheckpointDirectory = checkpoint }, model, cancellation);
    }

    /// <summary>
    /// A catalog name passes the rules but carries no weights, and the engine never downloads (a GPU pod must not
    /// depend on the hub at start-up): refuse before starting anything heavy, saying where the cache was looked in.
    /// </summary>
    private static int NoCheckpoint(ServeOptions options)
    {
        string message = $"'{options.Model}' is neither a checkpoint directory nor in the Hugging Face cache " +
            $"({ModelSource.CacheNote(options.Model)}); serving needs its weights and the engine does not download them. " +
            "Fix: mount the checkpoint (config.json, safetensors, tokenizer.json) and pass its directory to --model " +
            "(in a ModelDeployment: spec.model.weights.pvc), or pre-populate the cache on the node " +
            $"(huggingface-cli download {options.Model}; for a test model: make-model --hf-cache DIR --name {options.Model}).";
        Console.Error.WriteLine($"error [model-load] --model: {message}");
        TerminationLog.Write(options.TerminationLogPath,
            TerminationMessage.For(FailureClass.ModelLoad, message, SettingsSnapshot.Of(options.Model, options.Settings)));
        return (int)FailureClass.ModelLoad;
    }
}
