using LlmOperator.LocalCluster.Controllers.Objects;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Controllers.GarbageCollection;

/// <summary>DeleteOptions.propagationPolicy.</summary>
public enum PropagationPolicy { Background, Foreground, Orphan }

/// <summary>
/// Deleting with a propagation policy, as kube-apiserver does before the garbage collector takes
/// over: Foreground and Orphan add the <c>foregroundDeletion</c> / <c>orphan</c> finalizer and then
/// delete, so the object stays (with deletionTimestamp) until the collector has deleted its blocking
/// dependents or removed their owner references; Background deletes at once and the collector
/// removes the dependents afterwards. The API server calls this for DELETE with a propagationPolicy.
/// </summary>
public static class DeletionPropagation
{
    public const string ForegroundFinalizer = "foregroundDeletion";
    public const string OrphanFinalizer = "orphan";

    public static System.Text.Json.Nodes.JsonObject Delete(
        ObjectStore store, ResourceType type, string? ns, string name, PropagationPolicy policy, string? uid = null, string? resourceVersion = null)
    {
        if (policy != PropagationPolicy.Background)
        {
            var current = store.Get(type, ns, name) ?? throw ApiError.NotFound(type, name);
            if (uid is not null && current.Uid() != uid) throw ApiError.Conflict(type, name, "the precondition for the deletion does not hold");
            if (resourceVersion is not null && (string?)current.Meta()["resourceVersion"] != resourceVersion)
            {
                throw ApiError.Conflict(type, name, "the precondition for the deletion does not hold");
            }

            var finalizer = policy == PropagationPolicy.Foreground ? ForegroundFinalizer : OrphanFinalizer;
            if (!current.Finalizers().Contains(finalizer))
            {
                current.AddFinalizer(finalizer);
                var updated = store.Update(type, current);
                resourceVersion = resourceVersion is null ? null : (string?)updated.Meta()["resourceVersion"];
            }
        }

        return store.Delete(type, ns, name, uid, resourceVersion);
    }
}
