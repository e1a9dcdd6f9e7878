using System.Text.Json.Serialization;
using LlmOperator.Engine.Contract;

namespace LlmOperator.Engine.Server;

/// <summary>OpenAI's error body, <c>{"error":{"message","type","param","code"}}</c>, so OpenAI clients surface the text.</summary>
public sealed record OpenAiError([property: JsonPropertyName("error")] OpenAiErrorDetail Error)
{
    /// <summary>The body for requests failed by an engine failure: the code is the failure class, as in the termination message.</summary>
    public static OpenAiError For(EngineFailure failure) =>
        new(new OpenAiErrorDetail($"{failure.Class}: {failure.Message}", "server_error", null, failure.Class.ToString()));

    public static OpenAiError Of(string message, string type, string? code = null, string? param = null) =>
        new(new OpenAiErrorDetail(message, type, param, code));

    public static Task WriteAsync(HttpContext context, int statusCode, OpenAiError error)
    {
        context.Response.StatusCode = statusCode;
        return context.Response.WriteAsJsonAsync(error, context.RequestAborted);
    }
}

public sealed record OpenAiErrorDetail(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("param")] string? Param,
    [property: JsonPropertyName("code")] string? Code);

/// <summary>
/// A request the API refuses, with its HTTP status and OpenAI error fields; <see cref="ApiErrorMiddleware"/> writes
/// it. Thrown only before the response has started.
/// </summary>
public sealed class OpenAiException(int status, string message, string type, string? code = null, string? param = null)
    : Exception(message)
{
    public int Status => status;

    public OpenAiError Body => OpenAiError.Of(Message, type, code, param);

    /// <summary>Seconds a 429 asks the client to wait (Retry-After).</summary>
    public int? RetryAfterSeconds { get; init; }

    public static OpenAiException BadRequest(string message, string? param = null, string? code = null) =>
        new(StatusCodes.Status400BadRequest, message, "invalid_request_error", code, param);
}
