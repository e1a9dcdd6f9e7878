using System.Text.Json;
using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Admission;

namespace LlmOperator.LocalCluster.Webhooks;

/// <summary>A webhook's answer: allowed or not, its Status (code, reason, message), warnings and JSON patch.</summary>
public sealed record AdmissionResponse(bool Allowed, int? Code, string? Reason, string? Message, IReadOnlyList<string> Warnings, JsonArray? Patch);

/// <summary>admission.k8s.io/v1 AdmissionReview: the request the API server sends and the checks on the answer.</summary>
public static class AdmissionReview
{
    public const string ApiVersion = "admission.k8s.io/v1";

    /// <summary>Who made the request. The local cluster has no authentication: everyone is its administrator.</summary>
    private static readonly JsonObject UserInfo = new()
    {
        ["username"] = "kubernetes-admin",
        ["groups"] = new JsonArray("system:masters", "system:authenticated"),
    };

    public static JsonObject Request(AdmissionRequest request, string uid)
    {
        var type = request.Type;
        var kind = new JsonObject { ["group"] = type.Group, ["version"] = type.Version, ["kind"] = type.Kind };
        var resource = new JsonObject { ["group"] = type.Group, ["version"] = type.Version, ["resource"] = type.Plural };
        var body = new JsonObject
        {
            ["uid"] = uid,
            ["kind"] = kind,
            ["resource"] = resource,
            ["requestKind"] = kind.DeepClone(),
            ["requestResource"] = resource.DeepClone(),
            ["name"] = request.Name,
            ["operation"] = WebhookRules.OperationName(request.Operation),
            ["userInfo"] = UserInfo.DeepClone(),
            ["object"] = request.Object?.DeepClone(),
            ["oldObject"] = request.OldObject?.DeepClone(),
            ["dryRun"] = request.DryRun,
            ["options"] = new JsonObject { ["kind"] = $"{request.Operation}Options", ["apiVersion"] = "meta.k8s.io/v1" },
        };
        if (!string.IsNullOrEmpty(request.SubResource))
        {
            body["subResource"] = request.SubResource;
            body["requestSubResource"] = request.SubResource;
        }

        if (request.Namespace is not null) body["namespace"] = request.Namespace;
        return new JsonObject { ["apiVersion"] = ApiVersion, ["kind"] = "AdmissionReview", ["request"] = body };
    }

    /// <summary>
    /// Reads the answer; throws <see cref="InvalidDataException"/> (a failed call, subject to failurePolicy) when it
    /// is not an AdmissionReview v1 for this uid, or carries a patch it may not.
    /// </summary>
    public static AdmissionResponse ReadResponse(string json, string uid, bool mutating)
    {
        JsonObject review;
        try
        {
            review = JsonNode.Parse(json) as JsonObject ?? throw new InvalidDataException("the response is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"the response is not JSON: {e.Message}");
        }

        if ((string?)review["apiVersion"] != ApiVersion || (string?)review["kind"] != "AdmissionReview")
        {
            throw new InvalidDataException($"expected webhook response of {ApiVersion}, Kind=AdmissionReview, got {review["apiVersion"]}, Kind={review["kind"]}");
        }

        if (review["response"] is not JsonObject response) throw new InvalidDataException("webhook response was absent");
        if ((string?)response["uid"] != uid) throw new InvalidDataException($"expected response.uid=\"{uid}\", got \"{response["uid"]}\"");
        var status = response["status"] as JsonObject;
        return new AdmissionResponse(
            response["allowed"] is JsonValue allowed && allowed.GetValueKind() == JsonValueKind.True,
            status?["code"] is JsonValue code && code.GetValueKind() == JsonValueKind.Number ? (int)Storage.JsonRead.Number(code) : null,
            (string?)status?["reason"],
            (string?)status?["message"],
            (response["warnings"] as JsonArray ?? []).Select(w => (string?)w).OfType<string>().ToList(),
            Patch(response, mutating));
    }

    private static JsonArray? Patch(JsonObject response, bool mutating)
    {
        if ((string?)response["patch"] is not { Length: > 0 } encoded) return null;
        if (!mutating) throw new InvalidDataException("validating webhook may not return a patch");
        if ((string?)response["patchType"] != "JSONPatch")
        {
            throw new InvalidDataException($"unsupported patch type \"{response["patchType"]}\"; only JSONPatch is allowed");
        }

        try
        {
            return JsonNode.Parse(Convert.FromBase64String(encoded)) as JsonArray
                ?? throw new InvalidDataException("the patch is not a JSON array of operations");
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw new InvalidDataException($"the patch cannot be read: {e.Message}");
        }
    }
}
