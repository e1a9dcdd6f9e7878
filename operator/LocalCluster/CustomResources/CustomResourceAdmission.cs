using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Admission;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.CustomResources;

/// <summary>
/// Decoding-time work on custom resources, done where kube-apiserver's CR codec does it (before any webhook
/// sees the object): unknown fields pruned, with a warning naming each as <c>fieldValidation=Warn</c> does, and
/// schema defaults applied.
/// </summary>
public sealed class CustomResourceDefaulting : IAdmissionPlugin
{
    public bool Mutates => true;

    public Task<AdmissionOutcome> AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        if (request.Operation == AdmissionOperation.Delete || request.Object is null ||
            CustomResourceKinds.SchemaOf(request.Type) is not { } schema)
        {
            return Task.FromResult(AdmissionOutcome.Unchanged(request));
        }

        var obj = (JsonObject)request.Object.DeepClone();
        var pruned = SchemaPruning.Prune(obj, schema);
        SchemaPruning.ApplyDefaults(obj, schema);
        return Task.FromResult(new AdmissionOutcome(obj, pruned.Select(p => $"unknown field \"{p}\"").ToList()));
    }

    /// <summary>
    /// The fields of <paramref name="obj"/> the kind's schema does not know ("spec.bogus"); empty for built-in kinds.
    /// For the API server's <c>fieldValidation=Strict</c>, which answers 400 with
    /// <c>strict decoding error: unknown field "spec.bogus"</c> instead of pruning.
    /// </summary>
    public static IReadOnlyList<string> UnknownFields(ResourceType type, JsonObject obj) =>
        CustomResourceKinds.SchemaOf(type) is { } schema ? SchemaPruning.Prune((JsonObject)obj.DeepClone(), schema) : [];
}

/// <summary>
/// Validation of custom resources against their CRD version's schema, then its CEL rules (with oldSelf on
/// updates). A failure is 422 Invalid with one cause per field, worded as kube-apiserver words it.
/// </summary>
public sealed class CustomResourceValidation : IAdmissionPlugin
{
    public bool Mutates => false;

    public Task<AdmissionOutcome> AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        if (request.Operation == AdmissionOperation.Delete || request.Object is null ||
            CustomResourceKinds.SchemaOf(request.Type) is not { } schema)
        {
            return Task.FromResult(AdmissionOutcome.Unchanged(request));
        }

        var errors = SchemaValidator.Validate(request.Object, schema);

        // Rules read typed values: on a wrongly typed object they would only add noise to the schema errors.
        if (errors.Count == 0) errors = CelValidation.Validate(request.Object, request.OldObject, schema);
        if (errors.Count > 0) throw FieldError.ToApiError(request.Type, request.Name, errors);
        return Task.FromResult(AdmissionOutcome.Unchanged(request));
    }
}

/// <summary>Which served kinds are custom (registered from a CRD, carrying its schema).</summary>
public static class CustomResourceKinds
{
    public static JsonObject? SchemaOf(ResourceType type) =>
        type.OpenApiSchema is { } schema && !BuiltInTypes.All.Any(b => b.GroupResource == type.GroupResource) ? schema : null;
}
