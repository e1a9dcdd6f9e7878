using k8s.Models;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Validation;
using LlmOperator.Operator.Webhooks.Admission;
using LlmOperator.Operator.Webhooks.Lookups;
using LlmOperator.Rules.Validation;

namespace LlmOperator.Operator.Webhooks.Handlers;

/// <summary>
/// The validating webhook of ModelDeployments: the rules of <see cref="ModelDeploymentValidator"/> (the same the
/// offline <c>validate</c> and the reconciler run), every error in the denial, warnings and notes as admission
/// warnings. An UPDATE that leaves the spec alone (labels, annotations, finalizers) is not checked again, so a
/// resource admitted under older rules can still be annotated, finalized and deleted.
/// </summary>
public sealed class ModelDeploymentValidation(IAdmissionLookups lookups, TimeSpan apiTimeout) : IAdmissionHandler
{
    public string Path => WebhookNames.ValidateModelDeploymentPath;

    public async Task<AdmissionResponse> ReviewAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        if (request.Operation is not ("CREATE" or "UPDATE") || request.Object is not { } obj ||
            AdmissionObjects.Unchanged(request, "spec") || AdmissionObjects.Terminating(obj))
            return AdmissionResponse.Allow(request.Uid);
        var (resource, readError) = AdmissionObjects.Read<V1Alpha1ModelDeployment>(obj);
        if (resource is null)
            return AdmissionResponse.Deny(request.Uid, AdmissionMessages.Failure(400, "BadRequest",
                $"ModelDeployment {Describe(request)} cannot be read: {readError}"));
        resource.Metadata.NamespaceProperty ??= request.Namespace;

        V1ConfigMap? configMap = null;
        if (resource.Spec.Model.Config?.ConfigMapKeyRef is { } reference)
        {
            try
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                deadline.CancelAfter(apiTimeout);
                configMap = await lookups.GetConfigMapAsync(resource.Namespace() ?? "default", reference.Name, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // Unverifiable is not valid: refusing keeps the guarantee, and the client's retry will succeed
                // once the API server answers again.
                return AdmissionResponse.Deny(request.Uid, AdmissionMessages.Failure(503, "ServiceUnavailable",
                    $"cannot check spec.model.config.configMapKeyRef: reading ConfigMap {resource.Namespace()}/{reference.Name} failed " +
                    $"({e.GetType().Name}: {e.Message}); try again."));
            }
        }

        var report = ModelDeploymentValidator.Validate(resource, (_, _, key) => configMap?.Data?.TryGetValue(key, out var v) == true ? v : null);
        var warnings = AdmissionMessages.Warnings(report.Findings).ToList();
        if (configMap is not null && configMap.Labels()?.ContainsKey(WebhookNames.ModelConfigLabel) != true)
            warnings.Add(AdmissionMessages.Warning(
                $"spec.model.config.configMapKeyRef: ConfigMap {configMap.Name()} has no label {WebhookNames.ModelConfigLabel}, " +
                "so its later changes are not checked at admission; label it to have them checked."));
        if (report.IsValid) return AdmissionResponse.Allow(request.Uid, warnings);

        var errors = report.Errors.ToList();
        string message = AdmissionMessages.Denial($"ModelDeployment {Describe(request)}", errors);
        return AdmissionResponse.Deny(request.Uid, AdmissionMessages.DenialStatus(message, request.Name,
            V1Alpha1ModelDeployment.Group, V1Alpha1ModelDeployment.EntityKind, errors), warnings);
    }

    private static string Describe(AdmissionRequest request) =>
        $"{request.Namespace ?? "default"}/{request.Name ?? (string?)request.Object?["metadata"]?["generateName"] ?? "(unnamed)"}";
}
