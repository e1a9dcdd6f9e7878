using LlmOperator.Engine.Reference.LlamaCpp;
using LlmOperator.Engine.Weights;
using LlmOperator.Rules.Architecture;
using LlmOperator.Rules.Contract;

namespace LlmOperator.Engine.Reference.Commands;

/// <summary>
/// The reference commands' error policy: a bad input is one line on stderr naming the problem, and an exit code
/// of the engine's process contract (bad flag values: Usage; unreadable model, checkpoint or GGUF: ModelLoad).
/// Anything else is a bug and keeps its stack trace.
/// </summary>
internal static class CommandErrors
{
    public const int Failed = 1;

    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (FormatException e)
        {
            return Report(e.Message, (int)FailureClass.Usage);
        }
        catch (Exception e) when (e is ModelConfigException or CheckpointException or FileNotFoundException or DirectoryNotFoundException
                                      or NotSupportedException or InvalidDataException)
        {
            return Report(e.Message, (int)FailureClass.ModelLoad);
        }
        catch (Exception e) when (e.GetType().Namespace == "LLama.Exceptions")
        {
            return Report($"llama.cpp: {e.Message}", (int)FailureClass.ModelLoad);
        }
        catch (Exception e) when (e is LlamaCppException or ChildProcessException)
        {
            return Report(e.Message, Failed);
        }
    }

    private static int Report(string message, int exitCode)
    {
        Console.Error.WriteLine($"error: {message}");
        return exitCode;
    }
}
