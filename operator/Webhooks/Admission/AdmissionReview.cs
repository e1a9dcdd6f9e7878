using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace LlmOperator.Operator.Webhooks.Admission;

// admission.k8s.io/v1 as kube-apiserver sends and reads it. KubernetesClient has no models for this group (it is not
// a REST resource, so it is absent from the OpenAPI document the client is generated from); these records carry
// the exact JSON names of k8s.io/api/admission/v1/types.go for the fields a webhook uses.

/// <summary>The envelope of a webhook call: <see cref="Request"/> in, <see cref="Response"/> out.</summary>
public sealed record AdmissionReview
{
    public const string V1 = "admission.k8s.io/v1";
    public const string ReviewKind = "AdmissionReview";

    [JsonPropertyName("apiVersion")] public string? ApiVersion { get; init; }
    [JsonPropertyName("kind")] public string? Kind { get; init; }
    [JsonPropertyName("request")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public AdmissionRequest? Request { get; init; }

    [JsonPropertyName("response")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public AdmissionResponse? Response { get; init; }

    /// <summary>The answer to a request: same apiVersion and kind, the response carrying the request's uid.</summary>
    public static AdmissionReview Answer(AdmissionResponse response) =>
        new() { ApiVersion = V1, Kind = ReviewKind, Response = response };
}

/// <summary>What the API server asks about: one operation on one object.</summary>
public sealed record AdmissionRequest
{
    [JsonPropertyName("uid")] public string Uid { get; init; } = "";
    [JsonPropertyName("kind")] public GroupVersionKind? Kind { get; init; }
    [JsonPropertyName("resource")] public GroupVersionResource? Resource { get; init; }
    [JsonPropertyName("subResource")] public string? SubResource { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("namespace")] public string? Namespace { get; init; }

    /// <summary>CREATE, UPDATE, DELETE or CONNECT.</summary>
    [JsonPropertyName("operation")] public string Operation { get; init; } = "";

    /// <summary>The object after the operation (null for DELETE).</summary>
    [JsonPropertyName("object")] public JsonObject? Object { get; init; }

    /// <summary>The object before the operation (UPDATE and DELETE only).</summary>
    [JsonPropertyName("oldObject")] public JsonObject? OldObject { get; init; }

    [JsonPropertyName("dryRun")] public bool? DryRun { get; init; }
}

public sealed record GroupVersionKind(
    [property: JsonPropertyName("group")] string Group,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("kind")] string Kind);

public sealed record GroupVersionResource(
    [property: JsonPropertyName("group")] string Group,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("resource")] string Resource);

/// <summary>The webhook's answer. A denial carries a metav1.Status; a mutation a base64 JSON patch.</summary>
public sealed record AdmissionResponse
{
    [JsonPropertyName("uid")] public string Uid { get; init; } = "";
    [JsonPropertyName("allowed")] public bool Allowed { get; init; }

    [JsonPropertyName("status")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public AdmissionStatus? Status { get; init; }

    /// <summary>Base64 of an RFC 6902 JSON patch (serialised from the byte array as Go's []byte is).</summary>
    [JsonPropertyName("patch")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public byte[]? Patch { get; init; }

    [JsonPropertyName("patchType")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PatchType { get; init; }

    /// <summary>Shown by kubectl as <c>Warning: ...</c> lines; see <see cref="AdmissionWarnings"/> for the limits.</summary>
    [JsonPropertyName("warnings")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Warnings { get; init; }

    public static AdmissionResponse Allow(string uid, IReadOnlyList<string>? warnings = null) =>
        new() { Uid = uid, Allowed = true, Warnings = warnings is { Count: > 0 } ? warnings : null };

    public static AdmissionResponse Deny(string uid, AdmissionStatus status, IReadOnlyList<string>? warnings = null) =>
        new() { Uid = uid, Allowed = false, Status = status, Warnings = warnings is { Count: > 0 } ? warnings : null };

    /// <summary>Allowed with a JSON patch; no patch at all when there is nothing to change.</summary>
    public static AdmissionResponse Mutate(string uid, JsonArray patch, IReadOnlyList<string>? warnings = null) =>
        Allow(uid, warnings) with
        {
            Patch = patch.Count > 0 ? System.Text.Encoding.UTF8.GetBytes(patch.ToJsonString()) : null,
            PatchType = patch.Count > 0 ? "JSONPatch" : null,
        };
}

/// <summary>The metav1.Status of a denial: kube-apiserver returns it to the client as the error.</summary>
public sealed record AdmissionStatus
{
    [JsonPropertyName("status")] public string Status { get; init; } = "Failure";
    [JsonPropertyName("code")] public int Code { get; init; }
    [JsonPropertyName("reason")] public string? Reason { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }

    [JsonPropertyName("details")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public StatusDetails? Details { get; init; }
}

/// <summary>metav1.StatusDetails: which object, and one cause per offending field.</summary>
public sealed record StatusDetails(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("group")] string Group,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("causes")] IReadOnlyList<StatusCause> Causes);

/// <summary>metav1.StatusCause; reason FieldValueInvalid as apimachinery's field.Invalid reports it.</summary>
public sealed record StatusCause(
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("field")] string Field);
