using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api.Discovery;

/// <summary>
/// OpenAPI v3 as kube-apiserver serves it: an index of group-versions (<c>/openapi/v3</c>) whose URLs carry a
/// content hash, and one document per group-version. kubectl apply/create/replace read them to learn that
/// PATCH takes <c>fieldValidation</c> (then they send Strict and leave validation to the server);
/// <c>kubectl explain</c> reads components.schemas by x-kubernetes-group-version-kind.
/// </summary>
public static class OpenApiDocuments
{
    /// <summary><c>GET /openapi/v3</c>: {"paths": {"apis/apps/v1": {"serverRelativeURL": "/openapi/v3/apis/apps/v1?hash=..."}}}.</summary>
    public static JsonObject Index(ResourceRegistry registry)
    {
        var paths = new JsonObject();
        foreach (var group in ServedResources.Groups(registry))
        {
            foreach (var version in ServedResources.Versions(registry, group))
            {
                var key = DocumentKey(group, version);
                var hash = Hash(GroupVersion(registry, group, version)!);
                paths[key] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{key}?hash={hash}" };
            }
        }

        return new JsonObject { ["paths"] = paths };
    }

    /// <summary>The document of one group-version; null when it is not served.</summary>
    public static JsonObject? GroupVersion(ResourceRegistry registry, string group, string version)
    {
        var types = ServedResources.Resources(registry, group, version);
        if (types.Count == 0) return null;
        var paths = new JsonObject();
        var schemas = new JsonObject();
        foreach (var type in types)
        {
            foreach (var (path, item) in Paths(type)) paths[path] = item;
            var schema = OpenApiSchemas.For(type);
            schema["x-kubernetes-group-version-kind"] = new JsonArray(Gvk(type));
            schemas[OpenApiSchemas.Name(type)] = schema;
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = ServerVersion.GitVersion },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    /// <summary>"api/v1" for the core group, "apis/apps/v1" otherwise (the index's keys).</summary>
    public static string DocumentKey(string group, string version) =>
        group.Length == 0 ? $"api/{version}" : $"apis/{group}/{version}";

    /// <summary>Uppercase hex SHA-512 of the document, as kube-apiserver's hashes; changes whenever the content does.</summary>
    public static string Hash(JsonObject document) =>
        Convert.ToHexString(SHA512.HashData(Encoding.UTF8.GetBytes(document.ToJsonString())));

    private static IEnumerable<(string Path, JsonObject Item)> Paths(ResourceType type)
    {
        var prefix = "/" + DocumentKey(type.Group, type.Version);
        var collection = type.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{type.Plural}" : $"{prefix}/{type.Plural}";
        var item = $"{collection}/{{name}}";
        var pathParameters = type.Namespaced ? new[] { "namespace" } : [];

        yield return (collection, PathItem(pathParameters,
            ("get", Operation(type, "list", "list or watch objects of kind " + type.Kind, ["labelSelector", "fieldSelector", "limit", "continue", "resourceVersion", "watch", "timeoutSeconds", "allowWatchBookmarks"])),
            ("post", Operation(type, "post", "create a " + type.Kind, ["dryRun", "fieldManager", "fieldValidation"])),
            ("delete", Operation(type, "deletecollection", "delete collection of " + type.Kind, ["dryRun", "labelSelector", "fieldSelector"]))));
        yield return (item, PathItem([.. pathParameters, "name"],
            ("get", Operation(type, "get", "read the specified " + type.Kind, [])),
            ("put", Operation(type, "put", "replace the specified " + type.Kind, ["dryRun", "fieldManager", "fieldValidation"])),
            ("patch", Operation(type, "patch", "partially update the specified " + type.Kind, ["dryRun", "fieldManager", "fieldValidation", "force"])),
            ("delete", Operation(type, "delete", "delete a " + type.Kind, ["dryRun", "gracePeriodSeconds", "propagationPolicy"]))));
        if (type.Namespaced)
        {
            yield return ($"{prefix}/{type.Plural}", PathItem([],
                ("get", Operation(type, "list", $"list or watch objects of kind {type.Kind} in all namespaces", ["labelSelector", "fieldSelector", "limit", "resourceVersion", "watch"]))));
        }

        if (type.HasStatusSubresource)
        {
            yield return ($"{item}/status", PathItem([.. pathParameters, "name"],
                ("get", Operation(type, "get", $"read status of the specified {type.Kind}", [])),
                ("put", Operation(type, "put", $"replace status of the specified {type.Kind}", ["dryRun", "fieldManager", "fieldValidation"])),
                ("patch", Operation(type, "patch", $"partially update status of the specified {type.Kind}", ["dryRun", "fieldManager", "fieldValidation", "force"]))));
        }
    }

    private static JsonObject PathItem(IReadOnlyList<string> pathParameters, params (string Method, JsonObject Operation)[] operations)
    {
        var item = new JsonObject();
        foreach (var (method, operation) in operations) item[method] = operation;
        item["parameters"] = new JsonArray(pathParameters.Select(p => (JsonNode)new JsonObject
        {
            ["name"] = p, ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
        }).ToArray());
        return item;
    }

    /// <summary>
    /// One operation. PATCH deliberately has no requestBody: with a strategic-merge content type kubectl
    /// would compute its patches from these (permissive) schemas instead of its built-in Go types.
    /// </summary>
    private static JsonObject Operation(ResourceType type, string action, string description, IReadOnlyList<string> query) => new()
    {
        ["description"] = description,
        ["operationId"] = $"{action}{type.Kind}",
        ["parameters"] = new JsonArray(query.Select(q => (JsonNode)new JsonObject
        {
            ["name"] = q, ["in"] = "query", ["schema"] = new JsonObject { ["type"] = q is "watch" or "force" or "allowWatchBookmarks" ? "boolean" : "string", ["uniqueItems"] = true },
        }).ToArray()),
        ["responses"] = new JsonObject
        {
            ["200"] = new JsonObject
            {
                ["description"] = "OK",
                ["content"] = new JsonObject
                {
                    ["application/json"] = new JsonObject
                    {
                        ["schema"] = new JsonObject { ["$ref"] = $"#/components/schemas/{OpenApiSchemas.Name(type)}" },
                    },
                },
            },
        },
        ["x-kubernetes-action"] = action,
        ["x-kubernetes-group-version-kind"] = Gvk(type),
    };

    private static JsonObject Gvk(ResourceType type) =>
        new() { ["group"] = type.Group, ["version"] = type.Version, ["kind"] = type.Kind };
}
