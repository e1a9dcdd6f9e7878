using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Admission;
using LlmOperator.LocalCluster.Api.Http;
using LlmOperator.LocalCluster.Api.Selection;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api.Handlers;

/// <summary>POST (create), PUT (replace, also of /status), DELETE and DELETE of a collection.</summary>
public sealed class WriteHandler(ApiServices services, WritePipeline pipeline)
{
    // Kinds whose registry answers a completed DELETE with the deleted object (ReturnDeletedObject);
    // the others answer a Status. Custom resources return the object too.
    private static readonly HashSet<string> ReturnDeletedObject =
    [
        BuiltInTypes.Pods.GroupResource, BuiltInTypes.Services.GroupResource, BuiltInTypes.Namespaces.GroupResource,
        BuiltInTypes.CustomResourceDefinitions.GroupResource,
    ];

    public async Task CreateAsync(ApiCall call)
    {
        if (call.Path.Subresource is not null) throw ApiError.MethodNotAllowed($"create is not supported on {call.Path.Resource}");
        if (call.Type.Namespaced && call.Path.Namespace is null)
        {
            throw ApiError.MethodNotAllowed($"{call.Type.GroupResource} are created in a namespace: POST to .../namespaces/{{namespace}}/{call.Type.Plural}");
        }

        var obj = WritePipeline.Bind(call, await call.ReadObjectAsync());
        var result = await pipeline.CreateAsync(call, obj);
        await ApiResponses.WriteJsonAsync(call.Context, 201, result.Object, result.Warnings);
    }

    public async Task ReplaceAsync(ApiCall call, ObjectStore.UpdateScope scope)
    {
        var result = await pipeline.ReplaceAsync(call, await call.ReadObjectAsync(), scope);
        await ApiResponses.WriteJsonAsync(call.Context, 200, result.Object, result.Warnings);
    }

    public async Task DeleteAsync(ApiCall call)
    {
        if (call.Path.Subresource is not null) throw ApiError.MethodNotAllowed($"delete is not supported on {call.Path.Resource}");
        var options = DeleteOptions.From(await call.ReadBodyAsync(), call);
        var (result, warnings, removed) = await DeleteOneAsync(call, call.NameOrEmpty, options);
        var body = removed && !ReturnsDeletedObject(call.Type) ? SuccessStatus(call.Type, result) : result;
        await ApiResponses.WriteJsonAsync(call.Context, 200, body, warnings);
    }

    /// <summary>Deletes every object the selectors match and answers with the list of them.</summary>
    public async Task DeleteCollectionAsync(ApiCall call)
    {
        var options = DeleteOptions.From(await call.ReadBodyAsync(), call);
        var filter = ObjectFilter.Parse(call.Query("labelSelector"), call.Query("fieldSelector"), call.Type);
        var (items, _) = services.Store.List(call.Type, call.Path.Namespace);
        var deleted = new List<JsonObject>();
        var warnings = new List<string>();
        foreach (var item in items.Where(filter.Matches))
        {
            var name = (string)item["metadata"]!["name"]!;
            var ns = (string?)item["metadata"]!["namespace"];
            var one = new ApiCall(call.Context, call.Path with { Namespace = ns, Name = name });
            try
            {
                var (result, itemWarnings, _) = await DeleteOneAsync(one, name, options with { Uid = null, ResourceVersion = null });
                deleted.Add(result);
                warnings.AddRange(itemWarnings);
            }
            catch (ApiError e) when (e.Code == 404)
            {
                // Deleted by someone else meanwhile: nothing left to do for it.
            }
        }

        var list = OutputShape.Objects.List(call.Type, deleted, services.Store.CurrentResourceVersion, null, null);
        await ApiResponses.WriteJsonAsync(call.Context, 200, list, warnings);
    }

    private async Task<(JsonObject Result, IReadOnlyList<string> Warnings, bool Removed)> DeleteOneAsync(ApiCall call, string name, DeleteOptions options)
    {
        var type = call.Type;
        var ns = call.Path.Namespace;
        var current = services.Store.Get(type, ns, name) ?? throw ApiError.NotFound(type, name);
        var outcome = await services.Admission.AdmitAsync(
            new AdmissionRequest(type, AdmissionOperation.Delete, ns, name, null, current, null, options.DryRun), call.Aborted);

        if (options.PropagationFinalizer is { } finalizer && !options.DryRun && NeedsFinalizer(current, finalizer))
        {
            // Foreground and Orphan deletion hand the dependents to the garbage collector through a
            // finalizer it removes when done, as kube-apiserver does.
            // The preconditions guard this first write; the delete after it is then of that version.
            if (options.Uid is not null && options.Uid != (string?)current["metadata"]?["uid"])
            {
                throw ApiError.Conflict(type, name, "the precondition for the deletion does not hold");
            }

            var withFinalizer = (JsonObject)current.DeepClone();
            var meta = (JsonObject)withFinalizer["metadata"]!;
            var finalizers = (meta["finalizers"] as JsonArray)?.DeepClone() as JsonArray ?? [];
            finalizers.Add(finalizer);
            meta["finalizers"] = finalizers;
            if (options.ResourceVersion is not null) meta["resourceVersion"] = options.ResourceVersion;
            current = services.Store.Update(type, withFinalizer);
            options = options with { ResourceVersion = (string?)current["metadata"]?["resourceVersion"] };
        }

        var result = services.Store.Delete(type, ns, name, options.Uid, options.ResourceVersion, options.DryRun);
        var removed = result["metadata"]?["deletionTimestamp"] is null || (result["metadata"]?["finalizers"] as JsonArray)?.Count is null or 0;
        if (removed && !options.DryRun) services.Ownership.Forget((string)current["metadata"]!["uid"]!);
        return (result, outcome.Warnings, removed);
    }

    private static bool NeedsFinalizer(JsonObject current, string finalizer) =>
        current["metadata"]?["deletionTimestamp"] is null &&
        !((current["metadata"]?["finalizers"] as JsonArray)?.Any(f => (string?)f == finalizer) ?? false);

    private static bool ReturnsDeletedObject(ResourceType type) =>
        !type.IsBuiltIn() || ReturnDeletedObject.Contains(type.GroupResource);

    private static JsonObject SuccessStatus(ResourceType type, JsonObject deleted) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Success",
        ["details"] = new JsonObject
        {
            ["name"] = deleted["metadata"]?["name"]?.DeepClone(),
            ["group"] = type.Group,
            ["kind"] = type.Plural,
            ["uid"] = deleted["metadata"]?["uid"]?.DeepClone(),
        },
    };
}
