using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.CustomResources;

/// <summary>The kinds of field error kube-apiserver reports (apimachinery's field.ErrorType).</summary>
public enum FieldErrorType { Required, Invalid, NotSupported, TooLong, TooMany, Duplicate, Forbidden }

/// <summary>
/// One validation failure at a field, worded as apimachinery's field.Error so that kubectl prints what it
/// would print against a real cluster, e.g. <c>spec.replicas: Invalid value: -1: spec.replicas in body should
/// be greater than or equal to 0</c>.
/// </summary>
public sealed record FieldError(FieldErrorType Type, string Field, JsonNode? Value, string Detail)
{
    /// <summary>The cause's message: the error without its field ("Required value", "Invalid value: 0: ...").</summary>
    public string Message => Type switch
    {
        FieldErrorType.Required => Detail.Length == 0 ? "Required value" : $"Required value: {Detail}",
        FieldErrorType.Invalid => $"Invalid value: {Render(Value)}: {Detail}",
        FieldErrorType.NotSupported => $"Unsupported value: {Render(Value)}: {Detail}",
        FieldErrorType.TooLong => $"Too long: {Detail}",
        FieldErrorType.TooMany => $"Too many: {Detail}",
        FieldErrorType.Duplicate => $"Duplicate value: {Render(Value)}",
        FieldErrorType.Forbidden => $"Forbidden: {Detail}",
        _ => Detail,
    };

    /// <summary>The Status cause reason (FieldValueInvalid, FieldValueRequired, ...).</summary>
    public string Reason => Type switch
    {
        FieldErrorType.Required => "FieldValueRequired",
        FieldErrorType.NotSupported => "FieldValueNotSupported",
        FieldErrorType.TooLong => "FieldValueTooLong",
        FieldErrorType.TooMany => "FieldValueTooMany",
        FieldErrorType.Duplicate => "FieldValueDuplicate",
        FieldErrorType.Forbidden => "FieldValueForbidden",
        _ => "FieldValueInvalid",
    };

    public override string ToString() => $"{Field}: {Message}";

    /// <summary>
    /// 422 Invalid as kube-apiserver words it: <c>Kind.group "name" is invalid: [a, b]</c> with one cause per
    /// error; kubectl prints <c>The Kind "name" is invalid:</c> and a bullet per cause.
    /// </summary>
    public static ApiError ToApiError(ResourceType type, string name, IReadOnlyList<FieldError> errors)
    {
        var qualifiedKind = type.Group.Length == 0 ? type.Kind : $"{type.Kind}.{type.Group}";
        var list = errors.Count == 1 ? errors[0].ToString() : $"[{string.Join(", ", errors)}]";
        var details = new JsonObject
        {
            ["name"] = name,
            ["group"] = type.Group,
            ["kind"] = type.Kind,
            ["causes"] = new JsonArray(errors.Select(e => (JsonNode)new JsonObject
            {
                ["reason"] = e.Reason, ["message"] = e.Message, ["field"] = e.Field,
            }).ToArray()),
        };
        return new ApiError(422, "Invalid", $"{qualifiedKind} \"{name}\" is invalid: {list}", details);
    }

    /// <summary>Values as Go's %v/%q print them in these messages: strings quoted, numbers bare, objects as JSON.</summary>
    internal static string Render(JsonNode? value) => value?.ToJsonString(Relaxed) ?? "null";

    // Messages are read by people: keep '<', '&' and non-ASCII text as they are.
    private static readonly System.Text.Json.JsonSerializerOptions Relaxed =
        new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
