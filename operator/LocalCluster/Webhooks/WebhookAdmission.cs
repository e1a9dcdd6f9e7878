using System.Text.Json;
using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Admission;
using LlmOperator.LocalCluster.Storage;
using Microsoft.AspNetCore.JsonPatch.SystemTextJson;
using Microsoft.AspNetCore.JsonPatch.SystemTextJson.Exceptions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmOperator.LocalCluster.Webhooks;

/// <summary>
/// The MutatingWebhookConfigurations in the store, called one after another: each webhook sees the object as the
/// previous one patched it; their JSON patches are applied and their warnings returned.
/// </summary>
public sealed class MutatingWebhookAdmission(ObjectStore store, WebhookClient client, ILogger<MutatingWebhookAdmission>? logger = null)
    : IAdmissionPlugin
{
    private readonly WebhookDispatch _dispatch = new(store, client, logger ?? (ILogger)NullLogger.Instance);

    public bool Mutates => true;

    public async Task<AdmissionOutcome> AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        var current = request;
        var warnings = new List<string>();
        foreach (var webhook in _dispatch.Matching(BuiltInTypes.MutatingWebhookConfigurations, request))
        {
            if (await _dispatch.CallAsync(webhook, current, mutating: true, cancellationToken) is not { } response) continue;
            warnings.AddRange(response.Warnings);
            if (response.Patch is { } patch && current.Object is not null)
            {
                current = current with { Object = Apply(current.Object, patch, JsonRead.Str(webhook, "name") ?? "") };
            }
        }

        return new AdmissionOutcome(current.Object, warnings);
    }

    /// <summary>RFC 6902 with ASP.NET Core's JsonPatch; a patch that does not apply fails the request (500, as kube).</summary>
    private static JsonObject Apply(JsonObject target, JsonArray patch, string webhook)
    {
        var result = (JsonObject)target.DeepClone();
        try
        {
            var document = JsonSerializer.Deserialize<JsonPatchDocument>(patch.ToJsonString())
                ?? throw new JsonException("the patch is empty");
            document.ApplyTo(result);
        }
        catch (Exception e) when (e is JsonException or JsonPatchException)
        {
            throw ApiError.Internal($"Internal error occurred: admission webhook \"{webhook}\" returned a JSON patch that does not apply: {e.Message}");
        }

        return result;
    }
}

/// <summary>
/// The ValidatingWebhookConfigurations in the store, called together on the final object (after every mutation);
/// any denial or failed call (under failurePolicy Fail) rejects the request. Warnings of all are returned.
/// </summary>
public sealed class ValidatingWebhookAdmission(ObjectStore store, WebhookClient client, ILogger<ValidatingWebhookAdmission>? logger = null)
    : IAdmissionPlugin
{
    private readonly WebhookDispatch _dispatch = new(store, client, logger ?? (ILogger)NullLogger.Instance);

    public bool Mutates => false;

    public async Task<AdmissionOutcome> AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        var calls = _dispatch.Matching(BuiltInTypes.ValidatingWebhookConfigurations, request)
            .Select(webhook => _dispatch.CallAsync(webhook, request, mutating: false, cancellationToken))
            .ToList();
        try
        {
            await Task.WhenAll(calls);
        }
        catch (ApiError)
        {
            // The first webhook (in order) that rejected decides the answer, as kube-apiserver reports one error.
            throw calls.First(c => c.IsFaulted).Exception!.InnerException!;
        }

        var warnings = calls.Select(c => c.Result).OfType<AdmissionResponse>().SelectMany(r => r.Warnings).ToList();
        return new AdmissionOutcome(request.Object, warnings);
    }
}
