using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmOperator.LocalCluster.Api.Selection;

/// <summary>The text of a JSON value as selectors compare it: strings as is, other scalars as written.</summary>
internal static class JsonText
{
    public static string? Of(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    /// <summary>Follows a dotted path ("spec.nodeName") through objects; null when any step is missing.</summary>
    public static JsonNode? At(JsonObject obj, string dottedPath)
    {
        JsonNode? node = obj;
        foreach (var step in dottedPath.Split('.'))
        {
            node = (node as JsonObject)?[step];
            if (node is null) return null;
        }

        return node;
    }
}
