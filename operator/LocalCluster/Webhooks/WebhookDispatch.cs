using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Admission;
using LlmOperator.LocalCluster.Storage;
using Microsoft.Extensions.Logging;

namespace LlmOperator.LocalCluster.Webhooks;

/// <summary>
/// One webhook call as kube-apiserver's dispatchers make it: the AdmissionReview out, the answer checked, and the
/// outcome turned into what the client sees — a denial as 403 Forbidden
/// (<c>pods "x" is forbidden: admission webhook "w" denied the request: MESSAGE</c>, or the webhook's own code and
/// reason), a failed call as 500 InternalError under failurePolicy Fail, or nothing under Ignore.
/// </summary>
internal sealed class WebhookDispatch(ObjectStore store, WebhookClient client, ILogger logger)
{
    /// <summary>The default of admissionregistration.k8s.io/v1 timeoutSeconds.</summary>
    private const int DefaultTimeoutSeconds = 10;

    /// <summary>The webhooks of every configuration of a kind that apply, configurations in name order.</summary>
    public IEnumerable<JsonObject> Matching(ResourceType configurations, AdmissionRequest request)
    {
        // Webhook configurations are never sent to webhooks: a broken webhook could otherwise never be removed.
        if (request.Type.GroupResource == BuiltInTypes.ValidatingWebhookConfigurations.GroupResource ||
            request.Type.GroupResource == BuiltInTypes.MutatingWebhookConfigurations.GroupResource)
        {
            return [];
        }

        return store.List(configurations, null).Items
            .OrderBy(c => JsonRead.Str(c, "metadata", "name"), StringComparer.Ordinal)
            .SelectMany(c => JsonRead.Objects(c, "webhooks"))
            .Where(w => WebhookRules.Applies(w, request, store))
            .ToList();
    }

    /// <summary>The allowed answer, or null when the call failed and failurePolicy is Ignore. Throws the client's error otherwise.</summary>
    public async Task<AdmissionResponse?> CallAsync(JsonObject webhook, AdmissionRequest request, bool mutating, CancellationToken cancellationToken)
    {
        var name = JsonRead.Str(webhook, "name") ?? "";
        if (request.DryRun && JsonRead.Str(webhook, "sideEffects") is not ("None" or "NoneOnDryRun"))
        {
            throw ApiError.BadRequest($"admission webhook \"{name}\" does not support dry run");
        }

        var uid = Guid.NewGuid().ToString();
        var timeout = TimeSpan.FromSeconds(JsonRead.At(webhook, "timeoutSeconds") is null ? DefaultTimeoutSeconds : JsonRead.Int(webhook, "timeoutSeconds"));
        AdmissionResponse response;
        try
        {
            var config = JsonRead.At(webhook, "clientConfig") as JsonObject ?? new JsonObject();
            var answer = await client.PostAsync(config, AdmissionReview.Request(request, uid).ToJsonString(), timeout, cancellationToken);
            response = AdmissionReview.ReadResponse(answer, uid, mutating);
        }
        catch (Exception e) when (e is WebhookCallException or InvalidDataException)
        {
            var failure = $"failed calling webhook \"{name}\": failed to call webhook: {e.Message}";
            if (JsonRead.Str(webhook, "failurePolicy") == "Ignore")
            {
                logger.LogWarning("Ignoring a failed webhook call (failurePolicy Ignore): {Failure}", failure);
                return null;
            }

            throw new ApiError(500, "InternalError", $"Internal error occurred: {failure}",
                new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = failure }) });
        }

        return response.Allowed ? response : throw Denied(name, request, response);
    }

    /// <summary>kube-apiserver's ToStatusErr: 403 Forbidden unless the webhook chose a code and reason.</summary>
    private static ApiError Denied(string webhook, AdmissionRequest request, AdmissionResponse response)
    {
        var code = response.Code is > 0 ? response.Code.Value : 403;
        var deniedBy = $"admission webhook \"{webhook}\" denied the request";
        var message = !string.IsNullOrEmpty(response.Message) ? $"{deniedBy}: {response.Message}"
            : !string.IsNullOrEmpty(response.Reason) ? $"{deniedBy}: {response.Reason}"
            : $"{deniedBy} without explanation";
        var name = string.IsNullOrEmpty(request.Name) ? "Unknown" : request.Name;
        var prefix = code == 500 ? "Internal error occurred" : $"{request.Type.GroupResource} \"{name}\" is forbidden";
        var reason = !string.IsNullOrEmpty(response.Reason) ? response.Reason : code == 500 ? "InternalError" : "Forbidden";
        var details = code == 500
            ? new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = message }) }
            : new JsonObject { ["name"] = name, ["group"] = request.Type.Group, ["kind"] = request.Type.Plural };
        return new ApiError(code, reason, $"{prefix}: {message}", details);
    }
}
