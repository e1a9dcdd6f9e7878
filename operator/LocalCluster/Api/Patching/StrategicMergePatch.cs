using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Api.Selection;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api.Patching;

/// <summary>
/// <c>application/strategic-merge-patch+json</c> for the built-in kinds, as apimachinery's
/// strategicpatch package applies it: a merge patch whose lists merge element by element when the
/// field has a merge key (<see cref="PatchStrategies"/>), plus the directives kubectl sends:
/// <c>$patch: replace|delete|merge</c> on maps and list elements, <c>$setElementOrder/&lt;f&gt;</c>,
/// <c>$retainKeys</c> and <c>$deleteFromPrimitiveList/&lt;f&gt;</c>.
/// </summary>
public static class StrategicMergePatch
{
    private const string PatchDirective = "$patch";
    private const string RetainKeys = "$retainKeys";
    private const string SetElementOrder = "$setElementOrder/";
    private const string DeleteFromPrimitiveList = "$deleteFromPrimitiveList/";

    /// <summary>Returns the patched object; throws 400 BadRequest for a malformed patch.</summary>
    public static JsonObject Apply(JsonObject original, JsonObject patch, string kind) =>
        MergeMap(original, patch, [], kind) ?? new JsonObject();

    private static JsonObject? MergeMap(JsonObject? original, JsonObject patch, List<string> path, string kind)
    {
        switch (JsonText.Of(patch[PatchDirective]))
        {
            case "delete":
                return null;
            case "replace":
                return WithoutDirectives(patch);
            case null or "merge":
                break;
            case var other:
                throw ApiError.BadRequest($"strategic merge patch: unknown patch type {other} in {string.Join('.', path)}; use \"merge\", \"replace\" or \"delete\"");
        }

        var result = original is null ? new JsonObject() : (JsonObject)original.DeepClone();
        foreach (var (name, value) in patch)
        {
            if (name.StartsWith(DeleteFromPrimitiveList, StringComparison.Ordinal))
            {
                RemovePrimitives(result, name[DeleteFromPrimitiveList.Length..], value);
            }
            else if (!name.StartsWith('$'))
            {
                MergeField(result, name, value, path, kind);
            }
        }

        if (patch[RetainKeys] is JsonArray retained)
        {
            var keep = retained.Select(JsonText.Of).ToHashSet();
            foreach (var name in result.Select(p => p.Key).Where(k => !keep.Contains(k)).ToList()) result.Remove(name);
        }

        return result;
    }

    private static void MergeField(JsonObject result, string name, JsonNode? value, List<string> path, string kind)
    {
        if (value is null)
        {
            result.Remove(name);
            return;
        }

        path.Add(name);
        try
        {
            JsonNode? merged = value switch
            {
                JsonObject map => MergeMap(result[name] as JsonObject, map, path, kind),
                JsonArray list => MergeList(result[name] as JsonArray, list, path, kind),
                _ => value.DeepClone(),
            };
            if (merged is null) result.Remove(name);
            else result[name] = merged;
        }
        finally
        {
            path.RemoveAt(path.Count - 1);
        }
    }

    private static JsonArray MergeList(JsonArray? original, JsonArray patch, List<string> path, string kind)
    {
        var strategy = PatchStrategies.For(path.Take(path.Count - 1).ToList(), path[^1], kind);
        var replaceWhole = patch.Any(e => e is JsonObject o && JsonText.Of(o[PatchDirective]) == "replace");
        if (strategy is null || original is null || replaceWhole)
        {
            // Atomic lists, first writes and "$patch: replace" take the patch's elements as they are.
            return new JsonArray(patch.Where(e => !IsDirectiveOnly(e)).Select(e => e is JsonObject o ? WithoutDirectives(o) : e?.DeepClone()).ToArray());
        }

        if (strategy.MergePrimitives)
        {
            var union = new JsonArray(original.Select(e => e?.DeepClone()).ToArray());
            foreach (var element in patch.Where(e => !union.Any(u => JsonNode.DeepEquals(u, e)))) union.Add(element?.DeepClone());
            return union;
        }

        return MergeKeyedList(original, patch, strategy.MergeKey!, path, kind);
    }

    private static JsonArray MergeKeyedList(JsonArray original, JsonArray patch, string key, List<string> path, string kind)
    {
        var result = original.Select(e => e?.DeepClone()).ToList();
        foreach (var element in patch)
        {
            if (element is not JsonObject map || map[key] is not { } id)
            {
                throw ApiError.BadRequest($"strategic merge patch: an element of {string.Join('.', path)} does not contain its merge key \"{key}\"");
            }

            var at = result.FindIndex(e => e is JsonObject o && JsonNode.DeepEquals(o[key], id));
            if (JsonText.Of(map[PatchDirective]) == "delete")
            {
                if (at >= 0) result.RemoveAt(at);
                continue;
            }

            var merged = MergeMap(at >= 0 ? result[at] as JsonObject : null, map, path, kind);
            if (at >= 0) result[at] = merged;
            else result.Add(merged);
        }

        return new JsonArray(result.Where(e => e is not null).ToArray());
    }

    private static void RemovePrimitives(JsonObject result, string field, JsonNode? values)
    {
        if (values is not JsonArray remove || result[field] is not JsonArray list) return;
        var kept = list.Where(e => !remove.Any(r => JsonNode.DeepEquals(r, e))).Select(e => e?.DeepClone()).ToArray();
        result[field] = new JsonArray(kept);
    }

    private static bool IsDirectiveOnly(JsonNode? element) =>
        element is JsonObject o && o.Count > 0 && o.All(p => p.Key.StartsWith('$'));

    private static JsonObject WithoutDirectives(JsonObject map)
    {
        var copy = new JsonObject();
        foreach (var (name, value) in map)
        {
            if (name.StartsWith('$')) continue;
            copy[name] = value is JsonObject inner ? WithoutDirectives(inner) : value?.DeepClone();
        }

        return copy;
    }
}
