using System.Security.Cryptography;
using System.Text;
using LlmOperator.Engine.Chaos;
using LlmOperator.Engine.Contract;
using LlmOperator.Engine.Hosting;

namespace LlmOperator.Engine.Server;

/// <summary>
/// What every <c>/v1/*</c> request passes, in order: the failure handler (engine failures → 500 naming them), the
/// OpenAI error writer (refusals → their status and body), the API key, the readiness gate, the chaos counter.
/// </summary>
public static class ApiPipeline
{
    public const string ChaosItem = "llmoperator.chaos";

    public static readonly string[] GenerationPaths = ["/v1/completions", "/v1/chat/completions"];

    public static void Use(IApplicationBuilder api)
    {
        api.UseMiddleware<FailureMiddleware>();
        api.UseMiddleware<ApiErrorMiddleware>();
        api.Use(RequireApiKey);
        api.Use(GateAndCountAsync);
    }

    private static Task RequireApiKey(HttpContext context, RequestDelegate next)
    {
        var options = context.RequestServices.GetRequiredService<ServeOptions>();
        if (options.ApiKey is not { } key) return next(context);
        string header = context.Request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        bool ok = header.StartsWith(prefix, StringComparison.Ordinal) &&
            CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[prefix.Length..].Trim()), Encoding.UTF8.GetBytes(key));
        if (ok) return next(context);
        throw new OpenAiException(StatusCodes.Status401Unauthorized,
            header.Length == 0
                ? "You didn't provide an API key. Send it in the Authorization header as 'Bearer YOUR_KEY'."
                : "Incorrect API key provided.",
            "invalid_request_error", "invalid_api_key");
    }

    /// <summary>Readiness, then chaos: only served requests count, and a generation request carries its failure into the engine.</summary>
    private static async Task GateAndCountAsync(HttpContext context, RequestDelegate next)
    {
        var state = context.RequestServices.GetRequiredService<EngineState>();
        if (!state.IsServing)
            throw new OpenAiException(StatusCodes.Status503ServiceUnavailable, $"The engine is {state.Status}.", "server_error", "not_ready");
        if (context.RequestServices.GetRequiredService<ChaosTrigger>().OnApiRequest() is { } kind)
        {
            if (!IsGeneration(context.Request)) ChaosFailures.Raise(kind);
            context.Items[ChaosItem] = kind;
        }
        await next(context);
    }

    private static bool IsGeneration(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && GenerationPaths.Any(p => request.Path.Equals(p, StringComparison.OrdinalIgnoreCase));
}

/// <summary>Writes <see cref="OpenAiException"/>s (and Kestrel's own bad-request errors) as OpenAI error bodies.</summary>
public sealed class ApiErrorMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (OpenAiException e) when (!context.Response.HasStarted)
        {
            if (e.RetryAfterSeconds is { } seconds) context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await OpenAiError.WriteAsync(context, e.Status, e.Body);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            await OpenAiError.WriteAsync(context, e.StatusCode, OpenAiError.Of(e.Message, "invalid_request_error", "bad_request"));
        }
    }
}
