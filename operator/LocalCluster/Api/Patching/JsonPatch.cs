using System.Text.Json;
using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;
using Microsoft.AspNetCore.JsonPatch.SystemTextJson;
using Microsoft.AspNetCore.JsonPatch.SystemTextJson.Exceptions;

namespace LlmOperator.LocalCluster.Api.Patching;

/// <summary>
/// RFC 6902 JSON patch (<c>application/json-patch+json</c>), applied by ASP.NET Core's
/// System.Text.Json JsonPatch. The operation list is checked first, because that library skips
/// operations it does not know instead of failing. As kube-apiserver: a malformed document is 400,
/// an operation that cannot be applied (failed test, missing path) is 422.
/// </summary>
public static class JsonPatch
{
    private static readonly HashSet<string> Operations = ["add", "remove", "replace", "move", "copy", "test"];

    public static JsonObject Apply(JsonObject target, JsonNode? patch)
    {
        if (patch is not JsonArray operations)
        {
            throw ApiError.BadRequest("a JSON patch must be a JSON array of operations");
        }

        for (var i = 0; i < operations.Count; i++)
        {
            var op = operations[i] as JsonObject;
            var name = (op?["op"] as JsonValue)?.GetValueKind() == JsonValueKind.String ? (string?)op!["op"] : null;
            if (name is null || !Operations.Contains(name))
            {
                throw ApiError.BadRequest($"JSON patch operation {i}: \"op\" must be one of add, remove, replace, move, copy, test");
            }

            if ((op!["path"] as JsonValue)?.GetValueKind() != JsonValueKind.String)
            {
                throw ApiError.BadRequest($"JSON patch operation {i} ({name}): \"path\" must be a string");
            }
        }

        var document = JsonSerializer.Deserialize<JsonPatchDocument>(operations.ToJsonString())
            ?? throw ApiError.BadRequest("a JSON patch must be a JSON array of operations");
        var result = (JsonObject)target.DeepClone();
        try
        {
            document.ApplyTo(result);
        }
        catch (JsonPatchException e)
        {
            throw new ApiError(422, "Invalid", $"the JSON patch could not be applied: {e.Message}");
        }

        return result;
    }
}
