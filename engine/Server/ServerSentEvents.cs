using System.Text.Json;
using LlmOperator.Engine.Contract;
using LlmOperator.Engine.Core;
using LlmOperator.Engine.Core.Output;
using LlmOperator.Engine.Hosting;

namespace LlmOperator.Engine.Server;

/// <summary>
/// Streams a request's outputs as server-sent events in OpenAI's framing: <c>data: {chunk}\n\n</c> per chunk, then
/// <c>data: [DONE]\n\n</c>. The 200 and its headers go out only with the first output, so a request that fails
/// before producing anything (e.g. a CUDA failure in its first step) still gets a proper 500; a failure after that
/// becomes an error event. A client that disconnects cancels the read, which aborts the request in the engine.
/// </summary>
public static class ServerSentEvents
{
    public static async Task StreamAsync(HttpContext context, RequestStream stream,
        Func<RequestOutput, IEnumerable<object>> chunksOf, Func<object?> lastChunk)
    {
        var cancellation = context.RequestAborted;
        await using var outputs = stream.ReadAllAsync(cancellation).GetAsyncEnumerator(cancellation);
        if (!await outputs.MoveNextAsync()) return; // aborted before any output: nobody is listening
        var response = context.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // proxies must not buffer the stream
        await response.StartAsync(cancellation);
        try
        {
            do
            {
                foreach (var chunk in chunksOf(outputs.Current))
                    await WriteAsync(response, JsonSerializer.Serialize(chunk, chunk.GetType()), cancellation);
            }
            while (await outputs.MoveNextAsync());
            if (lastChunk() is { } last)
                await WriteAsync(response, JsonSerializer.Serialize(last, last.GetType()), cancellation);
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested)
        {
            await WriteAsync(response, JsonSerializer.Serialize(ErrorOf(context, e)), cancellation);
        }
        await WriteAsync(response, "[DONE]", cancellation);
    }

    private static async Task WriteAsync(HttpResponse response, string data, CancellationToken cancellation)
    {
        await response.WriteAsync($"data: {data}\n\n", cancellation);
        await response.Body.FlushAsync(cancellation);
    }

    /// <summary>The engine's failure when it has failed (the same body a 500 would carry), else an internal error.</summary>
    private static OpenAiError ErrorOf(HttpContext context, Exception e)
    {
        var reporter = context.RequestServices.GetRequiredService<FailureReporter>();
        var state = context.RequestServices.GetRequiredService<EngineState>();
        return (reporter.Report(e) ?? state.Failure) is { } failure
            ? OpenAiError.For(failure)
            : OpenAiError.Of(e.Message, "server_error", "internal_error");
    }
}
