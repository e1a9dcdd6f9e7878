using System.Text;
using System.Text.RegularExpressions;

namespace LlmOperator.Engine.Telemetry;

/// <summary>
/// Serves <c>GET /metrics</c> from OpenTelemetry's Prometheus exporter with vLLM's metric names. OpenTelemetry forbids
/// ':' in instrument names and its exporter writes <c>vllm.num_requests_running</c> as <c>vllm_num_requests_running</c>;
/// vLLM's dashboards and router look for <c>vllm:num_requests_running</c>. Prometheus names may hold ':' (it is
/// reserved for exactly such namespacing), so this middleware rewrites the one prefix, <c>vllm_</c> → <c>vllm:</c>, at
/// the start of metric names in the exposition text (sample lines and their <c># HELP</c> / <c># TYPE</c> lines). No
/// other name begins with <c>vllm_</c>: the engine's own metrics are <c>llmoperator_engine_*</c>.
/// </summary>
public sealed partial class PrometheusNames(RequestDelegate next)
{
    public const string Path = "/metrics";

    [GeneratedRegex(@"^(# (?:HELP|TYPE) )?vllm_", RegexOptions.Multiline)]
    private static partial Regex VllmPrefix();

    public static string Rewrite(string exposition) => VllmPrefix().Replace(exposition, "$1vllm:");

    public async Task InvokeAsync(HttpContext context)
    {
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }
        string text = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        var bytes = Encoding.UTF8.GetBytes(Rewrite(text));
        context.Response.ContentLength = bytes.Length;
        await original.WriteAsync(bytes, context.RequestAborted);
    }
}
