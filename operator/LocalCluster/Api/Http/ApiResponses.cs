using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;
using Microsoft.AspNetCore.Http;

namespace LlmOperator.LocalCluster.Api.Http;

/// <summary>
/// Writes API answers as kube-apiserver does: JSON with a Content-Length (kubectl keeps connections
/// alive), <c>Status</c> objects for errors, and admission warnings as <c>Warning: 299 - "..."</c>.
/// </summary>
public static class ApiResponses
{
    /// <summary>Like Go's encoder minus HTML escaping, so annotations such as last-applied-configuration stay readable.</summary>
    public static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Serialize(JsonNode node) => JsonSerializer.SerializeToUtf8Bytes(node, Json);

    public static async Task WriteJsonAsync(HttpContext context, int statusCode, JsonNode body, IEnumerable<string>? warnings = null)
    {
        var bytes = Serialize(body);
        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = "application/json";
        response.ContentLength = bytes.Length;
        AddWarnings(response, warnings);
        await response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    public static Task WriteErrorAsync(HttpContext context, ApiError error)
    {
        if (error.RetryAfterSeconds is { } seconds) context.Response.Headers.RetryAfter = seconds.ToString();
        return WriteJsonAsync(context, error.Code, error.ToStatus());
    }

    public static void AddWarnings(HttpResponse response, IEnumerable<string>? warnings)
    {
        foreach (var warning in warnings ?? []) response.Headers.Append("Warning", FormatWarning(warning));
    }

    /// <summary>
    /// RFC 7234 warn-code 299 with the text quoted; inner quotes and backslashes escaped, or kubectl
    /// drops the warning (measured, reference P9). Header values must be printable ASCII (Kestrel
    /// refuses others), so line breaks and non-ASCII characters become spaces and '?'.
    /// </summary>
    public static string FormatWarning(string text)
    {
        var escaped = text.Replace("\\", "\\\\").Replace("\"", "\\\"");
        var printable = new string(escaped.Select(c => c is '\r' or '\n' or '\t' ? ' ' : c is < ' ' or > '~' ? '?' : c).ToArray());
        return $"299 - \"{printable}\"";
    }
}
