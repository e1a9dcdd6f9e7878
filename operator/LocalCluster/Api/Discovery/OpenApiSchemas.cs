using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api.Discovery;

/// <summary>
/// The components.schemas entry of a kind. CRD kinds publish their version's openAPIV3Schema. Built-in kinds
/// publish an open object schema: the server, not kubectl, validates them (kubectl sends fieldValidation=Strict
/// because PATCH advertises the parameter), and an open schema can never make a client reject a valid manifest.
/// </summary>
public static class OpenApiSchemas
{
    /// <summary>"io.k8s.api.apps.v1.Deployment" for built-in groups, the reversed group for others ("dev.llmoperator.inference.v1alpha1.ModelDeployment").</summary>
    public static string Name(ResourceType type)
    {
        var isBuiltIn = BuiltInTypes.All.Any(t => t.GroupResource == type.GroupResource);
        if (isBuiltIn)
        {
            var shortGroup = type.Group.Length == 0 ? "core" : type.Group.Split('.')[0];
            return $"io.k8s.api.{shortGroup}.{type.Version}.{type.Kind}";
        }

        return $"{string.Join('.', type.Group.Split('.').Reverse())}.{type.Version}.{type.Kind}";
    }

    public static JsonObject For(ResourceType type)
    {
        if (type.OpenApiSchema is { } schema)
        {
            var published = (JsonObject)schema.DeepClone();
            var properties = published["properties"] as JsonObject ?? (JsonObject)(published["properties"] = new JsonObject());
            properties.TryAdd("apiVersion", StringProperty("APIVersion defines the versioned schema of this representation of an object."));
            properties.TryAdd("kind", StringProperty("Kind is a string value representing the REST resource this object represents."));
            properties.TryAdd("metadata", Metadata());
            return published;
        }

        return new JsonObject
        {
            ["description"] = $"{type.Kind} ({type.ApiVersion}). The local cluster validates it on the server; its fields are not listed here.",
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["apiVersion"] = StringProperty("APIVersion defines the versioned schema of this representation of an object."),
                ["kind"] = StringProperty("Kind is a string value representing the REST resource this object represents."),
                ["metadata"] = Metadata(),
            },
            ["x-kubernetes-preserve-unknown-fields"] = true,
        };
    }

    private static JsonObject StringProperty(string description) =>
        new() { ["description"] = description, ["type"] = "string" };

    private static JsonObject Metadata() => new()
    {
        ["description"] = "Standard object's metadata.",
        ["type"] = "object",
        ["x-kubernetes-preserve-unknown-fields"] = true,
    };
}
