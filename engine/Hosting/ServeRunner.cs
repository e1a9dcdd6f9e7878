using LlmOperator.Engine.Contract;
using LlmOperator.Rules.Contract;

namespace LlmOperator.Engine.Hosting;

/// <summary><c>serve</c>'s action: validate, check there are weights to load, then host. Returns the process's exit code.</summary>
public static class ServeRunner
{
    public static async Task<int> RunAsync(ServeOptions options, CancellationToken cancellation)
    {
        if (!StartupValidator.TryValidate(options, out var model, out int exitCode))
            return exitCode;
        if (!Directory.Exists(options.Model))
            return NoCheckpoint(options);
        return await EngineHost.RunAsync(options, model, cancellation);
    }

    /// <summary>A catalog name passes the rules but carries no weights: refuse before starting anything heavy.</summary>
    private static int NoCheckpoint(ServeOptions options)
    {
        string message = $"'{options.Model}' is a catalog model, not a checkpoint directory; serving needs its weights. " +
            "Fix: mount the checkpoint (config.json, safetensors, tokenizer.json) and pass its directory to --model, " +
            "with --served-model-name for the name clients use.";
        Console.Error.WriteLine($"error [model-load] --model: {message}");
        TerminationLog.Write(options.TerminationLogPath,
            TerminationMessage.For(FailureClass.ModelLoad, message, SettingsSnapshot.Of(options.Model, options.Settings)));
        return (int)FailureClass.ModelLoad;
    }
}
