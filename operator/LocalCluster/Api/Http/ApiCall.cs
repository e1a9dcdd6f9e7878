using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Api.Protobuf;
using LlmOperator.LocalCluster.Storage;
using Microsoft.AspNetCore.Http;
using YamlDotNet.Core;

namespace LlmOperator.LocalCluster.Api.Http;

/// <summary>One request to a resource path: its verb, query parameters and body, read the way kube-apiserver reads them.</summary>
public sealed class ApiCall(HttpContext context, ResourcePath path)
{
    public HttpContext Context { get; } = context;

    public ResourcePath Path { get; } = path;

    public ResourceType Type => Path.Type;

    public CancellationToken Aborted => Context.RequestAborted;

    /// <summary>The Kubernetes verb (get, list, watch, create, update, patch, delete, deletecollection).</summary>
    public string Verb => (Context.Request.Method, Path.IsCollection) switch
    {
        ("GET", false) => "get",
        ("GET", true) => IsWatch ? "watch" : "list",
        ("POST", _) => "create",
        ("PUT", _) => "update",
        ("PATCH", _) => "patch",
        ("DELETE", false) => "delete",
        ("DELETE", true) => "deletecollection",
        _ => Context.Request.Method.ToLowerInvariant(),
    };

    public bool IsWatch => Query("watch") is "true" or "1";

    /// <summary>dryRun=All: run everything, store nothing. Any other value is refused, as by kube-apiserver.</summary>
    public bool DryRun
    {
        get
        {
            var values = Context.Request.Query["dryRun"];
            if (values.Count == 0) return false;
            if (values.All(v => v == "All")) return true;
            throw ApiError.BadRequest($"Invalid dry run value \"{string.Join(",", values.ToArray())}\": valid values are \"All\"");
        }
    }

    public string? Query(string name)
    {
        var value = Context.Request.Query[name];
        return value.Count == 0 ? null : value[^1];
    }

    public bool QueryFlag(string name) => Query(name) is "true" or "1";

    /// <summary>A non-negative integer parameter; 400 BadRequest naming the parameter otherwise.</summary>
    public long? QueryNumber(string name)
    {
        var text = Query(name);
        if (string.IsNullOrEmpty(text)) return null;
        return long.TryParse(text, out var value) && value >= 0
            ? value
            : throw ApiError.BadRequest($"invalid value for query parameter {name}: \"{text}\" is not a non-negative integer");
    }

    public string ContentType => (Context.Request.ContentType ?? "application/json").Split(';')[0].Trim().ToLowerInvariant();

    /// <summary>
    /// Reads the body as JSON, YAML for application/yaml and apply patches (kubectl sends JSON even
    /// then; other clients may not), or Kubernetes protobuf (kubectl's typed clients). Empty bodies give null.
    /// </summary>
    public async Task<JsonNode?> ReadBodyAsync()
    {
        if (ContentType == "application/vnd.kubernetes.protobuf")
        {
            using var buffer = new MemoryStream();
            await Context.Request.Body.CopyToAsync(buffer, Aborted);
            return buffer.Length == 0 ? null : ProtobufBody.Read(buffer.ToArray(), Type);
        }

        using var reader = new StreamReader(Context.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(Aborted);
        if (string.IsNullOrWhiteSpace(text)) return null;
        try
        {
            return ContentType is "application/yaml" or "application/apply-patch+yaml" ? YamlJson.Parse(text) : JsonNode.Parse(text);
        }
        catch (Exception e) when (e is JsonException or YamlException)
        {
            throw ApiError.BadRequest($"the body of the request could not be decoded as {ContentType}: {e.Message}");
        }
    }

    /// <summary>A body that must be one JSON object (create, update, most patches).</summary>
    public async Task<JsonObject> ReadObjectAsync()
    {
        return await ReadBodyAsync() switch
        {
            JsonObject obj => obj,
            null => throw ApiError.BadRequest("the request body is empty; expected a JSON object"),
            var other => throw ApiError.BadRequest($"the request body must be a JSON object, not {other.GetValueKind()}"),
        };
    }

    /// <summary>The metadata a response or error names the object by.</summary>
    public string NameOrEmpty => Path.Name ?? "";
}
