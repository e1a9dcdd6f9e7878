using System.Text.Json;
using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Admission;
using LlmOperator.LocalCluster.Api.Http;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api.Handlers;

/// <summary>
/// The steps every create and update takes in kube-apiserver: bind the body to the URL, validate
/// metadata, reset server-owned fields, admit (mutating, then validating), then store (or, for
/// dryRun=All, stop short of storing). Updates read-modify-write with the stored resourceVersion and
/// retry when another writer got in between, as GuaranteedUpdate does for patches.
/// </summary>
public sealed class WritePipeline(ApiServices services)
{
    private const int UpdateAttempts = 5;

    /// <summary>What a write stored (or would store) and the admission warnings for the response.</summary>
    public sealed record Result(JsonObject Object, IReadOnlyList<string> Warnings);

    /// <summary>Checks a body against the URL (kind, apiVersion, namespace, name) and fills in what the URL says.</summary>
    public static JsonObject Bind(ApiCall call, JsonObject obj)
    {
        var type = call.Type;
        foreach (var field in new[] { "apiVersion", "kind" })
        {
            if (obj[field] is { } value && value.GetValueKind() != JsonValueKind.String)
            {
                throw ApiError.BadRequest($"{field} must be a string, not {value.ToJsonString()}");
            }
        }

        if ((string?)obj["apiVersion"] is { Length: > 0 } apiVersion && apiVersion != type.ApiVersion)
        {
            throw ApiError.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({type.ApiVersion})");
        }

        if ((string?)obj["kind"] is { Length: > 0 } kind && kind != type.Kind)
        {
            throw ApiError.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({type.Kind})");
        }

        obj["metadata"] ??= new JsonObject();
        ObjectMetaRules.Validate(type, obj);
        var meta = (JsonObject)obj["metadata"]!;
        if (type.Namespaced)
        {
            var given = (string?)meta["namespace"];
            if (!string.IsNullOrEmpty(given) && given != call.Path.Namespace)
            {
                throw ApiError.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            }

            meta["namespace"] = call.Path.Namespace;
        }
        else
        {
            meta.Remove("namespace");
        }

        if (call.Path.Name is { } urlName)
        {
            var given = (string?)meta["name"];
            if (!string.IsNullOrEmpty(given) && given != urlName)
            {
                throw ApiError.BadRequest($"the name of the object ({given}) does not match the name on the URL ({urlName})");
            }

            meta["name"] = urlName;
        }

        return obj;
    }

    public async Task<Result> CreateAsync(ApiCall call, JsonObject obj)
    {
        var type = call.Type;
        var name = (string?)obj["metadata"]?["name"] ?? (string?)obj["metadata"]?["generateName"] ?? "";
        EnsureNamespaceAcceptsContent(call, name);
        FieldValidation.Check(call, obj);
        CreateDefaults.Apply(type, obj);
        var outcome = await services.Admission.AdmitAsync(
            new AdmissionRequest(type, AdmissionOperation.Create, call.Path.Namespace, name, obj, null, call.Path.Subresource, call.DryRun),
            call.Aborted);
        var admitted = outcome.Object ?? obj;
        Bind(call, admitted);
        return new Result(services.Store.Create(type, admitted, call.DryRun), outcome.Warnings);
    }

    /// <summary>
    /// Read-modify-write of one object: <paramref name="change"/> gets the stored object and returns the
    /// new one. When the new one keeps the stored resourceVersion (the client did not pin one) and
    /// another write wins the race, the change is re-applied to the newer object.
    /// </summary>
    public async Task<Result> UpdateAsync(ApiCall call, Func<JsonObject, JsonObject> change, ObjectStore.UpdateScope scope)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = Read(call);
            var next = Bind(call, change((JsonObject)current.DeepClone()));
            var pinnedByClient = (string?)next["metadata"]?["resourceVersion"] != (string?)current["metadata"]?["resourceVersion"];
            try
            {
                return await StoreUpdateAsync(call, next, current, scope);
            }
            catch (ApiError e) when (e is { Code: 409, Reason: "Conflict" } && !pinnedByClient && attempt < UpdateAttempts)
            {
                // Lost a race with another writer: try again on the newer object.
            }
        }
    }

    /// <summary>A PUT: the client's body replaces the object; its resourceVersion, if any, must be current.</summary>
    public async Task<Result> ReplaceAsync(ApiCall call, JsonObject body, ObjectStore.UpdateScope scope)
    {
        var current = Read(call);
        Bind(call, body);
        if (!call.Type.IsBuiltIn() && string.IsNullOrEmpty((string?)body["metadata"]?["resourceVersion"]))
        {
            // As kube-apiserver for custom resources: an update must say which version it replaces.
            throw ApiError.Invalid(call.Type, call.NameOrEmpty, [("metadata.resourceVersion", "Invalid value: 0x0: must be specified for an update")]);
        }

        return await StoreUpdateAsync(call, body, current, scope);
    }

    public JsonObject Read(ApiCall call) =>
        services.Store.Get(call.Type, call.Path.Namespace, call.NameOrEmpty) ?? throw ApiError.NotFound(call.Type, call.NameOrEmpty);

    private async Task<Result> StoreUpdateAsync(ApiCall call, JsonObject next, JsonObject current, ObjectStore.UpdateScope scope)
    {
        FieldValidation.Check(call, next);
        var outcome = await services.Admission.AdmitAsync(
            new AdmissionRequest(call.Type, AdmissionOperation.Update, call.Path.Namespace, call.NameOrEmpty, next, current,
                call.Path.Subresource, call.DryRun),
            call.Aborted);
        var admitted = Bind(call, outcome.Object ?? next);
        return new Result(services.Store.Update(call.Type, admitted, scope, call.DryRun), outcome.Warnings);
    }

    /// <summary>The NamespaceLifecycle admission of kube-apiserver: no new objects in a missing or terminating namespace.</summary>
    private void EnsureNamespaceAcceptsContent(ApiCall call, string name)
    {
        if (!call.Type.Namespaced || call.Path.Namespace is not { } ns) return;
        var found = services.Store.Get(BuiltInTypes.Namespaces, null, ns) ?? throw ApiError.NotFound(BuiltInTypes.Namespaces, ns);
        if (found["metadata"]?["deletionTimestamp"] is not null)
        {
            throw ApiError.Forbidden($"{call.Type.GroupResource} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated");
        }
    }
}
