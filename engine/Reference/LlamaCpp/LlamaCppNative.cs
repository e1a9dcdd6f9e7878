using LLama.Native;

namespace LlmOperator.Engine.Reference.LlamaCpp;

/// <summary>
/// One-time LLamaSharp native set-up. llama.cpp logs every tensor it loads at info level; only warnings and errors
/// go to stderr, where the parent process keeps them for its error message. The log callback must be registered
/// before LLamaSharp loads the native library, hence the single entry point.
/// </summary>
internal static class LlamaCppNative
{
    private static readonly Lock Gate = new();
    private static bool _configured;

    public static void Configure()
    {
        lock (Gate)
        {
            if (_configured) return;
            NativeLibraryConfig.All.WithLogCallback(static (level, message) =>
            {
                if (level is LLamaLogLevel.Warning or LLamaLogLevel.Error)
                    Console.Error.Write($"llama.cpp {level.ToString().ToLowerInvariant()}: {message}");
            });
            _configured = true;
        }
    }
}
