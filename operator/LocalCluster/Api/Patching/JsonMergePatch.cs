using System.Text.Json.Nodes;

namespace LlmOperator.LocalCluster.Api.Patching;

/// <summary>
/// RFC 7386 JSON merge patch (<c>application/merge-patch+json</c>): objects merge recursively,
/// <c>null</c> deletes a member, anything else (arrays included) replaces. kubectl's client-side
/// apply sends removed manifest fields as <c>null</c>, so the deletion rule matters.
/// </summary>
public static class JsonMergePatch
{
    /// <summary>Returns the patched document; neither input is modified.</summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject members) return patch?.DeepClone();

        var result = target is JsonObject existing ? (JsonObject)existing.DeepClone() : new JsonObject();
        foreach (var (name, value) in members)
        {
            if (value is null)
            {
                result.Remove(name);
            }
            else
            {
                result[name] = Apply(result[name], value);
            }
        }

        return result;
    }
}
