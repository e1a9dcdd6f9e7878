using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Admission;

public enum AdmissionOperation { Create, Update, Delete }

/// <summary>
/// What the API server asks admission about, after decoding and applying any patch and before
/// storing: the object as it would be stored and, for updates and deletes, the stored one.
/// </summary>
public sealed record AdmissionRequest(
    ResourceType Type,
    AdmissionOperation Operation,
    string? Namespace,
    string Name,
    JsonObject? Object,
    JsonObject? OldObject,
    string? SubResource = null,
    bool DryRun = false);

/// <summary>The (possibly mutated) object and any warnings for the client's Warning headers.</summary>
public sealed record AdmissionOutcome(JsonObject? Object, IReadOnlyList<string> Warnings)
{
    public static AdmissionOutcome Unchanged(AdmissionRequest request) => new(request.Object, []);
}

/// <summary>
/// One admission step, run in the order of kube-apiserver: every mutating plugin (defaulting,
/// pruning, mutating webhooks), then every validating one (schema, CEL, validating webhooks).
/// A plugin denies by throwing <see cref="ApiError"/> (422 Invalid, 403 Forbidden, 500...).
/// </summary>
public interface IAdmissionPlugin
{
    /// <summary>True for plugins that may change the object; they run before validating ones.</summary>
    bool Mutates { get; }

    Task<AdmissionOutcome> AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken);
}
