using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Kubelet;

/// <summary>
/// Read-modify-write of one object with optimistic concurrency, as controllers do against the API server:
/// read the latest, apply the change, write with its resourceVersion, and on 409 Conflict start over.
/// </summary>
internal static class StoreMutation
{
    private const int Attempts = 10;

    /// <param name="mutate">Changes the object in place; returns false when there is nothing to write.</param>
    /// <returns>The stored object after the write, or null when the object does not exist (any more).</returns>
    public static JsonObject? Mutate(
        ObjectStore store, ResourceType type, string? ns, string name, ObjectStore.UpdateScope scope, Func<JsonObject, bool> mutate)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (store.Get(type, ns, name) is not { } current) return null;
            if (!mutate(current)) return current;
            try
            {
                return store.Update(type, current, scope);
            }
            catch (ApiError e) when (e.Code == 404)
            {
                return null;
            }
            catch (ApiError e) when (e.Code == 409 && attempt < Attempts)
            {
                // Someone wrote in between: read again and re-apply.
            }
        }
    }

    /// <summary>The object at <paramref name="path"/> (e.g. "status"), created when missing.</summary>
    public static JsonObject Child(JsonObject parent, string path) =>
        parent[path] as JsonObject ?? (JsonObject)(parent[path] = new JsonObject());
}
