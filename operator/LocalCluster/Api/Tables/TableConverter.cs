using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api.Tables;

// TEMPORARY: the cl-crd branch provides the real TableConverter; this file is deleted when it is merged.
public static class TableConverter
{
    public static JsonObject ToTable(ResourceType type, IReadOnlyList<JsonObject> objects, bool includeObject,
        string? resourceVersion, string? continueToken) => new()
    {
        ["kind"] = "Table",
        ["apiVersion"] = "meta.k8s.io/v1",
        ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion },
        ["columnDefinitions"] = new JsonArray(new JsonObject { ["name"] = "Name", ["type"] = "string", ["format"] = "name" }),
        ["rows"] = new JsonArray(objects.Select(o => (JsonNode)new JsonObject
        {
            ["cells"] = new JsonArray((JsonNode?)o["metadata"]?["name"]?.DeepClone()),
            ["object"] = includeObject ? o.DeepClone() : new JsonObject { ["kind"] = "PartialObjectMetadata", ["apiVersion"] = "meta.k8s.io/v1", ["metadata"] = o["metadata"]?.DeepClone() },
        }).ToArray()),
    };
}
