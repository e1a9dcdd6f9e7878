using k8s.Models;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Validation;
using LlmOperator.Operator.Webhooks.Admission;
using LlmOperator.Operator.Webhooks.Lookups;
using LlmOperator.Rules.Architecture;
using LlmOperator.Rules.Validation;

namespace LlmOperator.Operator.Webhooks.Handlers;

/// <summary>
/// The validating webhook of ConfigMaps labelled <see cref="WebhookNames.ModelConfigLabel"/>: a change to a model's
/// config.json is checked against the ModelDeployments that use it.
/// <list type="bullet">
/// <item>Denied: a key that a ModelDeployment refers to (or <c>config.json</c>) no longer parses as a supported
/// config.json. No deployment can run from it, and engine pods that restart read it.</item>
/// <item>Warned, not denied: it parses but makes a referencing ModelDeployment break a rule. A GitOps sync often
/// changes the ConfigMap and the ModelDeployment together, ConfigMaps first; refusing the first half would stall
/// the sync forever. The reconciler then reports the resource Valid=False and keeps its good revision serving.</item>
/// <item>Deleting a ConfigMap that is still referenced is allowed with a warning naming the resources.</item>
/// </list>
/// </summary>
public sealed class ModelConfigMapValidation(IAdmissionLookups lookups, TimeSpan apiTimeout) : IAdmissionHandler
{
    public const string DefaultKey = "config.json";

    public string Path => WebhookNames.ValidateConfigMapPath;

    public async Task<AdmissionResponse> ReviewAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        if (request.Operation is not ("CREATE" or "UPDATE" or "DELETE") || AdmissionObjects.Unchanged(request, "data") ||
            (request.Object ?? request.OldObject) is not { } obj)
            return AdmissionResponse.Allow(request.Uid);
        var (configMap, readError) = AdmissionObjects.Read<V1ConfigMap>(obj);
        string ns = request.Namespace ?? "default", name = request.Name ?? configMap?.Name() ?? "";
        if (configMap is null)
            return AdmissionResponse.Deny(request.Uid, AdmissionMessages.Failure(400, "BadRequest", $"ConfigMap {ns}/{name} cannot be read: {readError}"));

        IReadOnlyList<V1Alpha1ModelDeployment> users;
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(apiTimeout);
            users = (await lookups.ListModelDeploymentsAsync(ns, deadline.Token).ConfigureAwait(false))
                .Where(md => md.Spec.Model.Config?.ConfigMapKeyRef?.Name == name).ToList();
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            string failure = $"cannot check ConfigMap {ns}/{name}: listing ModelDeployments failed ({e.GetType().Name}: {e.Message})";
            return request.Operation == "DELETE"
                ? AdmissionResponse.Allow(request.Uid, [AdmissionMessages.Warning(failure)])
                : AdmissionResponse.Deny(request.Uid, AdmissionMessages.Failure(503, "ServiceUnavailable", failure + "; try again."));
        }

        if (request.Operation == "DELETE")
            return AdmissionResponse.Allow(request.Uid, users.Select(md => AdmissionMessages.Warning(
                $"ModelDeployment {md.Name()} still takes its config.json from ConfigMap {name} (key {md.Spec.Model.Config!.ConfigMapKeyRef!.Key}); " +
                "it is invalid until the ConfigMap is back.")).ToList());

        var data = configMap.Data ?? new Dictionary<string, string>();
        var errors = UnreadableKeys(ns, name, data, users).ToList();
        if (errors.Count > 0)
        {
            string message = AdmissionMessages.Denial($"ConfigMap {ns}/{name}", errors) + ReferencedBy(users);
            return AdmissionResponse.Deny(request.Uid, AdmissionMessages.DenialStatus(message, name, "", "ConfigMap", errors));
        }
        return AdmissionResponse.Allow(request.Uid, users.Select(md => Recheck(md, data)).OfType<string>().ToList());
    }

    /// <summary>A finding per key that a ModelDeployment uses, or config.json, whose content is not a readable config.json.</summary>
    private static IEnumerable<Finding> UnreadableKeys(string ns, string name, IDictionary<string, string> data, IEnumerable<V1Alpha1ModelDeployment> users)
    {
        var keys = users.Select(md => md.Spec.Model.Config!.ConfigMapKeyRef!.Key).Append(DefaultKey).Distinct();
        foreach (var key in keys)
        {
            if (!data.TryGetValue(key, out var json)) continue; // a missing key shows in the re-check of its users
            Finding? error = null;
            try
            {
                HuggingFaceConfigReader.Read(json, name, $"ConfigMap {ns}/{name} key {key}");
            }
            catch (ModelConfigException e)
            {
                error = new Finding(ModelDeploymentValidator.ModelConfigInvalid, Severity.Error, $"data[{key}]", e.Message,
                    "Provide the model's Hugging Face config.json (model_type llama4, llama4_text or llama).");
            }
            if (error is not null) yield return error;
        }
    }

    /// <summary>A warning when <paramref name="md"/> breaks a rule with the new data; null when it stays valid.</summary>
    private static string? Recheck(V1Alpha1ModelDeployment md, IDictionary<string, string> data)
    {
        var report = ModelDeploymentValidator.Validate(md, (_, _, key) => data.TryGetValue(key, out var v) ? v : null);
        var errors = report.Errors.ToList();
        if (errors.Count == 0) return null;
        string more = errors.Count > 1 ? $" (and {errors.Count - 1} more)" : "";
        return AdmissionMessages.Warning($"ModelDeployment {md.Name()} becomes invalid{more}: {errors[0].Field} [{errors[0].RuleId}]: {errors[0].Message}");
    }

    private static string ReferencedBy(IReadOnlyList<V1Alpha1ModelDeployment> users) =>
        users.Count == 0 ? "" : $"\nUsed by ModelDeployment {string.Join(", ", users.Select(md => md.Name()))}.";
}
