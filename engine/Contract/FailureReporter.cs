using LlmOperator.Engine.Hosting;
using LlmOperator.Rules.Contract;

namespace LlmOperator.Engine.Contract;

/// <summary>
/// The single path every CUDA failure takes: classify its text, record it (failing in-flight and later requests),
/// write the termination message, stop the host. The process then exits with the class's code. After a CUDA error
/// the context is unusable, so there is no recovery: the pod restarts and the operator reads why.
/// </summary>
public sealed class FailureReporter(
    EngineState state,
    ServeOptions options,
    IHostApplicationLifetime lifetime,
    ILogger<FailureReporter> logger)
{
    /// <summary>
    /// Reports <paramref name="exception"/>. Returns the engine's failure when the exception is fatal (its text names a
    /// CUDA failure, or <paramref name="fallback"/> is given), else null: the caller handles an ordinary error itself.
    /// </summary>
    public EngineFailure? Report(Exception exception, FailureClass? fallback = null)
    {
        string text = MessagesOf(exception);
        if ((CudaFailureText.Classify(text) ?? fallback) is not { } failureClass) return null;

        var failure = new EngineFailure(failureClass, text);
        if (!state.TryFail(failure))
        {
            logger.LogError(exception, "Another failure after the engine had already failed; the first one stands");
            return state.Failure;
        }

        logger.LogCritical(exception, "Engine failed: {Reason}; exiting with code {ExitCode}", failureClass, failure.ExitCode);
        var message = TerminationMessage.For(failureClass, text, SettingsSnapshot.Of(options.Model, options.Settings));
        TerminationLog.Write(options.TerminationLogPath, message);
        lifetime.StopApplication();
        return failure;
    }

    /// <summary>The messages of the exception and its inner exceptions: libtorch's text may be wrapped.</summary>
    private static string MessagesOf(Exception exception)
    {
        var messages = new List<string>();
        for (Exception? e = exception; e is not null && messages.Count < 8; e = e.InnerException)
            messages.Add(e.Message);
        if (exception is AggregateException aggregate)
            messages.AddRange(aggregate.Flatten().InnerExceptions.Select(e => e.Message));
        return string.Join("\n", messages.Distinct());
    }
}
