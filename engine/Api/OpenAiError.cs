using System.Text.Json.Serialization;
using LlmOperator.Engine.Contract;

namespace LlmOperator.Engine.Api;

/// <summary>OpenAI's error body, <c>{"error":{"message","type","code"}}</c>, so OpenAI clients surface the text.</summary>
public sealed record OpenAiError([property: JsonPropertyName("error")] OpenAiErrorDetail Error)
{
    /// <summary>The body for requests failed by an engine failure: the code is the failure class, as in the termination message.</summary>
    public static OpenAiError For(EngineFailure failure) =>
        new(new OpenAiErrorDetail($"{failure.Class}: {failure.Message}", "server_error", failure.Class.ToString()));

    public static OpenAiError Of(string message, string type, string? code = null) => new(new OpenAiErrorDetail(message, type, code));

    public static Task WriteAsync(HttpContext context, int statusCode, OpenAiError error)
    {
        context.Response.StatusCode = statusCode;
        return context.Response.WriteAsJsonAsync(error, context.RequestAborted);
    }
}

public sealed record OpenAiErrorDetail(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("code")] string? Code);
