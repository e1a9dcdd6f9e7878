using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Controllers.Objects;

/// <summary>
/// Which objects a controller owns, as client-go's ControllerRefManager decides: those whose
/// controller reference names it and which its selector still matches. Matching orphans are
/// adopted (a controller reference is added) and owned objects the selector no longer matches are
/// released (the reference is removed), so hand-edited labels and references converge.
/// </summary>
internal static class ControllerRefs
{
    public static List<JsonObject> Claim(
        ObjectStore store, ResourceType type, JsonObject owner, Func<JsonObject, bool> selects, IEnumerable<JsonObject> candidates)
    {
        var owned = new List<JsonObject>();
        foreach (var candidate in candidates)
        {
            var controller = candidate.ControllerRef();
            if (controller is not null)
            {
                if ((string?)controller["uid"] != owner.Uid()) continue;
                if (selects(candidate)) owned.Add(candidate);
                else if (!owner.IsDeleting()) Release(store, type, candidate, owner.Uid());
                continue;
            }

            if (owner.IsDeleting() || candidate.IsDeleting() || !selects(candidate)) continue;
            owned.Add(Adopt(store, type, candidate, owner));
        }

        return owned;
    }

    private static JsonObject Adopt(ObjectStore store, ResourceType type, JsonObject candidate, JsonObject owner)
    {
        var edit = (JsonObject)candidate.DeepClone();
        var meta = edit.Meta();
        var refs = meta["ownerReferences"] as JsonArray ?? (JsonArray)(meta["ownerReferences"] = new JsonArray());
        refs.Add(ObjectJson.NewControllerRef(owner));
        return store.Update(type, edit);
    }

    private static void Release(ObjectStore store, ResourceType type, JsonObject candidate, string ownerUid)
    {
        var edit = (JsonObject)candidate.DeepClone();
        RemoveOwnerReference(edit, ownerUid);
        store.Update(type, edit);
    }

    /// <summary>Drops the references to one owner uid; an emptied list is removed altogether.</summary>
    public static bool RemoveOwnerReference(JsonObject obj, string ownerUid)
    {
        if (obj.Meta()["ownerReferences"] is not JsonArray refs) return false;
        var kept = refs.OfType<JsonObject>().Where(r => (string?)r["uid"] != ownerUid).Select(r => (JsonNode)r.DeepClone()).ToArray();
        if (kept.Length == refs.Count) return false;
        if (kept.Length == 0) obj.Meta().Remove("ownerReferences");
        else obj.Meta()["ownerReferences"] = new JsonArray(kept);
        return true;
    }
}
