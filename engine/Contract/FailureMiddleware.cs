using LlmOperator.Engine.Server;
using LlmOperator.Engine.Hosting;

namespace LlmOperator.Engine.Contract;

/// <summary>
/// Wraps every <c>/v1/*</c> request: a CUDA failure thrown while serving it goes through the
/// <see cref="FailureReporter"/> and the request gets a 500 naming the failure; once the engine has failed, every
/// request in flight or arriving before the host stops gets the same 500. Other exceptions are ordinary 500s.
/// </summary>
public sealed class FailureMiddleware(RequestDelegate next, EngineState state, FailureReporter reporter, ILogger<FailureMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (state.Failure is { } failed)
        {
            await OpenAiError.WriteAsync(context, StatusCodes.Status500InternalServerError, OpenAiError.For(failed));
            return;
        }
        try
        {
            await next(context);
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            // An ordinary exception after the engine has failed (the device is gone) is that failure too.
            if ((reporter.Report(e) ?? state.Failure) is { } failure)
            {
                await OpenAiError.WriteAsync(context, StatusCodes.Status500InternalServerError, OpenAiError.For(failure));
                return;
            }
            if (e is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
                return; // the client went away; nobody to answer
            logger.LogError(e, "Request {Path} failed", context.Request.Path);
            await OpenAiError.WriteAsync(context, StatusCodes.Status500InternalServerError,
                OpenAiError.Of(e.Message, "server_error", "internal_error"));
        }
    }
}
