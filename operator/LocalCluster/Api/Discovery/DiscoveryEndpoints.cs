using System.Text;
using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace LlmOperator.LocalCluster.Api.Discovery;

/// <summary>
/// <c>/version</c>, discovery (<c>/api</c>, <c>/apis</c>, <c>/api/v1</c>, <c>/apis/{g}</c>, <c>/apis/{g}/{v}</c>) and
/// OpenAPI (<c>/openapi/v2</c>, <c>/openapi/v3</c>...), all computed from the registry at request time so a
/// CRD is listed the moment it is registered.
/// </summary>
public static class DiscoveryEndpoints
{
    public const string AggregatedV2 = "apidiscovery.k8s.io/v2";

    public const string AggregatedV2Beta1 = "apidiscovery.k8s.io/v2beta1";

    public static void Map(IEndpointRouteBuilder app, ResourceRegistry registry)
    {
        app.MapGet("/version", (HttpContext c) => Write(c, ServerVersion.ToJson()));
        app.MapGet("/api", (HttpContext c) => Discovery(c, registry, core: true));
        app.MapGet("/apis", (HttpContext c) => Discovery(c, registry, core: false));
        app.MapGet("/api/{version}", (HttpContext c, string version) =>
            WriteOrNotFound(c, DiscoveryDocuments.ApiResourceList(registry, "", version), $"/api/{version}"));
        app.MapGet("/apis/{group}", (HttpContext c, string group) =>
            WriteOrNotFound(c, DiscoveryDocuments.ApiGroup(registry, group), $"/apis/{group}"));
        app.MapGet("/apis/{group}/{version}", (HttpContext c, string group, string version) =>
            WriteOrNotFound(c, DiscoveryDocuments.ApiResourceList(registry, group, version), $"/apis/{group}/{version}"));

        // kubectl reads v2 only as protobuf; a 404 makes it fall back to its built-in patch strategies.
        app.MapGet("/openapi/v2", (HttpContext c) => WriteOrNotFound(c, null, "/openapi/v2"));
        app.MapGet("/openapi/v3", (HttpContext c) => Write(c, OpenApiDocuments.Index(registry)));
        app.MapGet("/openapi/v3/api/{version}", (HttpContext c, string version) => OpenApi(c, registry, "", version));
        app.MapGet("/openapi/v3/apis/{group}/{version}", (HttpContext c, string group, string version) =>
            OpenApi(c, registry, group, version));
    }

    /// <summary>
    /// The apidiscovery version the Accept header asks for, in the client's order: "apidiscovery.k8s.io/v2",
    /// "apidiscovery.k8s.io/v2beta1", or null for the legacy documents (plain JSON).
    /// </summary>
    public static string? NegotiateAggregated(string? accept)
    {
        if (string.IsNullOrEmpty(accept) || !MediaTypeHeaderValue.TryParseList([accept], out var types)) return null;
        foreach (var type in types)
        {
            string? Param(string name) =>
                type.Parameters.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.Value.Value;

            var isJson = type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);
            if (isJson && Param("as") == "APIGroupDiscoveryList" && Param("g") == "apidiscovery.k8s.io")
            {
                if (Param("v") == "v2") return AggregatedV2;
                if (Param("v") == "v2beta1") return AggregatedV2Beta1;
                continue;
            }

            if (isJson || type.MediaType.Equals("*/*", StringComparison.Ordinal) ||
                type.MediaType.Equals("application/*", StringComparison.Ordinal))
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>The exact Content-Type kubectl needs to read the body as aggregated discovery.</summary>
    public static string AggregatedContentType(string apiVersion) =>
        $"application/json;g=apidiscovery.k8s.io;v={apiVersion[(apiVersion.IndexOf('/') + 1)..]};as=APIGroupDiscoveryList";

    private static Task Discovery(HttpContext context, ResourceRegistry registry, bool core)
    {
        context.Response.Headers.Vary = "Accept";
        if (NegotiateAggregated(context.Request.Headers.Accept.ToString()) is { } version)
        {
            return Write(context, DiscoveryDocuments.Aggregated(registry, core, version), AggregatedContentType(version));
        }

        return Write(context, core
            ? DiscoveryDocuments.ApiVersions(ServerAddress(context))
            : DiscoveryDocuments.ApiGroupList(registry));
    }

    private static Task OpenApi(HttpContext context, ResourceRegistry registry, string group, string version)
    {
        var document = OpenApiDocuments.GroupVersion(registry, group, version);
        var key = OpenApiDocuments.DocumentKey(group, version);
        if (document is null) return WriteOrNotFound(context, null, "/openapi/v3/" + key);

        // A stale hash (a CRD changed since the client read the index): send it to the current document.
        var hash = OpenApiDocuments.Hash(document);
        if (context.Request.Query["hash"].ToString() is { Length: > 0 } asked && asked != hash)
        {
            context.Response.Redirect($"/openapi/v3/{key}?hash={hash}", permanent: true);
            return Task.CompletedTask;
        }

        return Write(context, document);
    }

    private static string ServerAddress(HttpContext context) =>
        context.Connection.LocalIpAddress is { } ip ? $"{ip}:{context.Connection.LocalPort}" : context.Request.Host.Value ?? "";

    private static Task WriteOrNotFound(HttpContext context, JsonObject? body, string path) =>
        body is not null
            ? Write(context, body)
            : Write(context, new ApiError(404, "NotFound", $"the server could not find the requested resource ({path})").ToStatus(),
                status: 404);

    /// <summary>JSON with an explicit Content-Length: kubectl keeps connections alive between requests.</summary>
    private static async Task Write(HttpContext context, JsonObject body, string contentType = "application/json", int status = 200)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }
}
