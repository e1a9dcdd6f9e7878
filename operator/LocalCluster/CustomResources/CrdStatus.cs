using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.CustomResources;

/// <summary>
/// A CRD's status as apiextensions-apiserver writes it: NamesAccepted and Established conditions, acceptedNames
/// and storedVersions. A condition keeps its lastTransitionTime while its status stays the same, so that
/// writing an unchanged status is a no-op for the store.
/// </summary>
internal static class CrdStatus
{
    /// <summary>The CRD with its new status, without resourceVersion: status is this controller's alone.</summary>
    public static JsonObject With(JsonObject crd, string? conflict, DateTimeOffset? now = null)
    {
        var next = (JsonObject)crd.DeepClone();
        ((JsonObject)next["metadata"]!).Remove("resourceVersion");
        var old = JsonRead.Objects(crd, "status", "conditions").ToList();
        var time = (now ?? DateTimeOffset.UtcNow).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ");
        var accepted = conflict is null;
        var status = new JsonObject
        {
            ["conditions"] = new JsonArray(
                Condition(old, "NamesAccepted", accepted, accepted ? "NoConflicts" : "NameConflict",
                    accepted ? "no conflicts found" : conflict!, time),
                Condition(old, "Established", accepted, accepted ? "InitialNamesAccepted" : "NotAccepted",
                    accepted ? "the initial names have been accepted" : "not all names are accepted", time)),
            ["acceptedNames"] = accepted ? CrdSpec.Names(crd) : JsonRead.At(crd, "status", "acceptedNames")?.DeepClone() ?? new JsonObject { ["plural"] = "", ["kind"] = "" },
            ["storedVersions"] = StoredVersions(crd),
        };
        next["status"] = status;
        return next;
    }

    private static JsonObject Condition(List<JsonObject> old, string type, bool isTrue, string reason, string message, string now)
    {
        var status = isTrue ? "True" : "False";
        var previous = old.FirstOrDefault(c => JsonRead.Str(c, "type") == type);
        var since = previous is not null && JsonRead.Str(previous, "status") == status
            ? JsonRead.Str(previous, "lastTransitionTime") ?? now
            : now;
        return new JsonObject
        {
            ["type"] = type, ["status"] = status, ["lastTransitionTime"] = since, ["reason"] = reason, ["message"] = message,
        };
    }

    /// <summary>Every version ever stored: the earlier list plus today's storage version.</summary>
    private static JsonArray StoredVersions(JsonObject crd)
    {
        var versions = (JsonRead.At(crd, "status", "storedVersions") as JsonArray ?? []).Select(v => (string?)v).OfType<string>().ToList();
        if (CrdSpec.StorageVersion(crd) is { } storage && !versions.Contains(storage)) versions.Add(storage);
        return new JsonArray(versions.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
    }
}
