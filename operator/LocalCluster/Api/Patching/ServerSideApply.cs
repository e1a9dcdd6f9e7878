using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api.Patching;

/// <summary>
/// Server-side apply (<c>application/apply-patch+yaml</c>), approximated as the reference's test server
/// did, which was enough for <c>kubectl apply --server-side</c>: maps merge, lists are atomic, a field
/// this manager applied before but no longer sends is removed (unless another manager applies it too),
/// and changing a field another manager applied is a 409 conflict unless <c>force=true</c>, which moves
/// the field to this manager.
/// </summary>
public static class ServerSideApply
{
    private static readonly HashSet<string> ServerOwnedMetadata =
    [
        "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink",
    ];

    /// <summary>The object to store, the fields the manager now applies, and fields taken from other managers by force.</summary>
    public sealed record Plan(JsonObject Result, IReadOnlyList<FieldPath> Fields, IReadOnlyDictionary<string, IReadOnlySet<FieldPath>> Taken);

    /// <summary>The leaf fields of an applied configuration a manager comes to own: scalars, lists and empty maps.</summary>
    /// <param name="statusOnly">Applying to /status: only status fields count; otherwise status is the controller's.</param>
    public static IReadOnlyList<FieldPath> Fields(JsonObject applied, bool statusOnly, bool hasStatusSubresource)
    {
        var fields = new List<FieldPath>();
        foreach (var (name, value) in applied)
        {
            if (name is "apiVersion" or "kind") continue;
            if (hasStatusSubresource && (name == "status") != statusOnly) continue;
            if (statusOnly && name != "status") continue;
            Collect([name], value, fields);
        }

        return fields;
    }

    public static Plan Merge(JsonObject current, JsonObject applied, string manager, bool force,
        IReadOnlyDictionary<string, IReadOnlySet<FieldPath>> owners, IReadOnlyList<FieldPath> fields)
    {
        var conflicts = new List<(string Manager, FieldPath Field)>();
        foreach (var field in fields.Where(f => !JsonNode.DeepEquals(At(current, f), At(applied, f))))
        {
            conflicts.AddRange(owners.Where(o => o.Key != manager && o.Value.Contains(field)).Select(o => (o.Key, field)));
        }

        if (conflicts.Count > 0 && !force) throw Conflict(conflicts);

        var taken = conflicts.GroupBy(c => c.Manager)
            .ToDictionary(g => g.Key, g => (IReadOnlySet<FieldPath>)g.Select(c => c.Field).ToHashSet());
        var result = (JsonObject)MergeMaps(current, applied);
        var previous = owners.GetValueOrDefault(manager) ?? new HashSet<FieldPath>();
        foreach (var dropped in previous.Except(fields))
        {
            var keptByOther = owners.Any(o => o.Key != manager && o.Value.Contains(dropped) &&
                !(taken.GetValueOrDefault(o.Key)?.Contains(dropped) ?? false));
            if (!keptByOther) Remove(result, dropped, fields);
        }

        return new Plan(result, fields, taken);
    }

    private static void Collect(List<string> steps, JsonNode? value, List<FieldPath> fields)
    {
        if (steps is ["metadata", var member] && ServerOwnedMetadata.Contains(member)) return;
        if (value is JsonObject map && map.Count > 0)
        {
            foreach (var (name, child) in map) Collect([.. steps, name], child, fields);
            return;
        }

        fields.Add(new FieldPath(steps));
    }

    private static JsonNode MergeMaps(JsonObject current, JsonObject applied)
    {
        var result = (JsonObject)current.DeepClone();
        foreach (var (name, value) in applied)
        {
            if (value is null) result.Remove(name);
            else if (value is JsonObject map && result[name] is JsonObject existing) result[name] = MergeMaps(existing, map);
            else result[name] = value.DeepClone();
        }

        return result;
    }

    private static JsonNode? At(JsonObject obj, FieldPath field)
    {
        JsonNode? node = obj;
        foreach (var step in field.Steps) node = (node as JsonObject)?[step];
        return node;
    }

    /// <summary>Removes a field, then any map left empty by it that is not itself an applied field.</summary>
    private static void Remove(JsonObject obj, FieldPath field, IReadOnlyList<FieldPath> applied)
    {
        var chain = new List<JsonObject> { obj };
        foreach (var step in field.Steps.Take(field.Steps.Count - 1))
        {
            if (chain[^1][step] is not JsonObject next) return;
            chain.Add(next);
        }

        chain[^1].Remove(field.Steps[^1]);
        for (var depth = chain.Count - 1; depth > 0; depth--)
        {
            var parentPath = new FieldPath(field.Steps.Take(depth).ToList());
            if (chain[depth].Count > 0 || applied.Contains(parentPath)) break;
            chain[depth - 1].Remove(field.Steps[depth - 1]);
        }
    }

    private static string Listing(IGrouping<string, (string Manager, FieldPath Field)> byManager) =>
        $"conflicts with \"{byManager.Key}\":\n" + string.Join("\n", byManager.Select(c => $"- {c.Field}"));

    private static ApiError Conflict(List<(string Manager, FieldPath Field)> conflicts)
    {
        var message = conflicts.Count == 1
            ? $"Apply failed with 1 conflict: conflict with \"{conflicts[0].Manager}\": {conflicts[0].Field}"
            : $"Apply failed with {conflicts.Count} conflicts: " + string.Join("\n", conflicts.GroupBy(c => c.Manager).Select(Listing));
        var causes = new JsonArray(conflicts.Select(c => (JsonNode)new JsonObject
        {
            ["reason"] = "FieldManagerConflict",
            ["message"] = $"conflict with \"{c.Manager}\"",
            ["field"] = c.Field.ToString(),
        }).ToArray());
        return new ApiError(409, "Conflict", message, new JsonObject { ["causes"] = causes });
    }
}
