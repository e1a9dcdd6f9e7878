using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Api.Http;
using LlmOperator.LocalCluster.Api.Patching;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api.Handlers;

/// <summary>
/// PATCH of an object or its /status, by Content-Type: merge (RFC 7386), JSON patch (RFC 6902),
/// strategic merge (built-in kinds; 415 for custom resources, as on a real cluster) and server-side
/// apply, which also creates a missing object (201).
/// </summary>
public sealed class PatchHandler(ApiServices services, WritePipeline pipeline)
{
    private const string MergePatch = "application/merge-patch+json";
    private const string JsonPatchType = "application/json-patch+json";
    private const string StrategicMergePatchType = "application/strategic-merge-patch+json";
    private const string ApplyPatch = "application/apply-patch+yaml";

    public async Task PatchAsync(ApiCall call, ObjectStore.UpdateScope scope)
    {
        var force = Force(call);
        if (call.ContentType == ApplyPatch)
        {
            await ApplyAsync(call, scope, force);
            return;
        }

        var patch = await call.ReadBodyAsync();
        var patcher = Patcher(call, patch);
        var result = await pipeline.UpdateAsync(call, patcher, scope);
        await ApiResponses.WriteJsonAsync(call.Context, 200, result.Object, result.Warnings);
    }

    /// <summary>The function that patches an object for the request's Content-Type; 415 for types not served.</summary>
    public static Func<JsonObject, JsonObject> Patcher(ApiCall call, JsonNode? patch)
    {
        switch (call.ContentType)
        {
            case MergePatch:
                var merge = patch as JsonObject ?? throw ApiError.BadRequest("a merge patch must be a JSON object");
                return current => (JsonObject)JsonMergePatch.Apply(current, merge)!;
            case JsonPatchType:
                return current => JsonPatch.Apply(current, patch);
            case StrategicMergePatchType when call.Type.IsBuiltIn():
                var strategic = patch as JsonObject ?? throw ApiError.BadRequest("a strategic merge patch must be a JSON object");
                return current => StrategicMergePatch.Apply(current, strategic, call.Type.Kind);
            default:
                var accepted = call.Type.IsBuiltIn()
                    ? $"{JsonPatchType}, {MergePatch}, {ApplyPatch}, {StrategicMergePatchType}"
                    : $"{JsonPatchType}, {MergePatch}, {ApplyPatch}";
                throw ApiError.UnsupportedMediaType($"the body of the request was in an unknown format - accepted media types include: {accepted}");
        }
    }

    private async Task ApplyAsync(ApiCall call, ObjectStore.UpdateScope scope, bool force)
    {
        var manager = call.Query("fieldManager");
        if (string.IsNullOrEmpty(manager))
        {
            throw ApiError.BadRequest("PATCH requests with application/apply-patch+yaml must have a fieldManager query parameter (e.g. ?fieldManager=my-tool)");
        }

        var applied = await call.ReadObjectAsync();
        foreach (var field in new[] { "apiVersion", "kind" })
        {
            if (applied[field] is null) throw ApiError.BadRequest($"{field} must be set in an applied configuration");
        }

        WritePipeline.Bind(call, applied);
        var statusOnly = scope == ObjectStore.UpdateScope.Status;
        var fields = ServerSideApply.Fields(applied, statusOnly, call.Type.HasStatusSubresource);
        var existing = services.Store.Get(call.Type, call.Path.Namespace, call.NameOrEmpty);
        if (existing is null)
        {
            if (statusOnly) throw ApiError.NotFound(call.Type, call.NameOrEmpty);
            var created = await pipeline.CreateAsync(call, (JsonObject)applied.DeepClone());
            if (!call.DryRun) services.Ownership.Record(Uid(created.Object), manager, fields);
            await ApiResponses.WriteJsonAsync(call.Context, 201, created.Object, created.Warnings);
            return;
        }

        ServerSideApply.Plan? plan = null;
        var result = await pipeline.UpdateAsync(call, current =>
        {
            plan = ServerSideApply.Merge(current, applied, manager, force, services.Ownership.Managers(Uid(current)), fields);
            return plan.Result;
        }, scope);
        if (!call.DryRun) services.Ownership.Record(Uid(result.Object), manager, plan!.Fields, plan.Taken);
        await ApiResponses.WriteJsonAsync(call.Context, 200, result.Object, result.Warnings);
    }

    private static bool Force(ApiCall call)
    {
        var force = call.Query("force");
        if (force is null) return false;
        if (call.ContentType != ApplyPatch)
        {
            throw ApiError.BadRequest($"force: Invalid value: \"{force}\": may not be specified for non-apply patch");
        }

        return force switch
        {
            "true" => true,
            "false" => false,
            _ => throw ApiError.BadRequest($"force: Invalid value: \"{force}\": must be true or false"),
        };
    }

    private static string Uid(JsonObject obj) => (string?)obj["metadata"]?["uid"] ?? "";
}
