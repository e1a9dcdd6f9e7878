using System.Text.Json.Nodes;

namespace LlmOperator.LocalCluster.Storage;

/// <summary>
/// An error the API server answers with a <c>Status</c> object (kind Status, apiVersion v1),
/// carrying the HTTP code and the Kubernetes reason that clients switch on.
/// </summary>
public sealed class ApiError(int code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    public int Code { get; } = code;

    public string Reason { get; } = reason;

    public JsonObject? Details { get; } = details;

    /// <summary>Seconds a client should wait (429 / 500 with Retry-After); null when not set.</summary>
    public int? RetryAfterSeconds { get; init; }

    public JsonObject ToStatus()
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = Reason,
        };

        // kube-apiserver omits details when it has none; a literal null trips strict decoders.
        if (Details is not null) status["details"] = Details.DeepClone();
        status["code"] = Code;
        return status;
    }

    public static ApiError NotFound(ResourceType type, string name) =>
        new(404, "NotFound", $"{type.GroupResource} \"{name}\" not found", Describe(type, name));

    public static ApiError AlreadyExists(ResourceType type, string name) =>
        new(409, "AlreadyExists", $"{type.GroupResource} \"{name}\" already exists", Describe(type, name));

    public static ApiError Conflict(ResourceType type, string name, string why) =>
        new(409, "Conflict",
            $"Operation cannot be fulfilled on {type.GroupResource} \"{name}\": {why}", Describe(type, name));

    /// <summary>422 Invalid with one cause per field, the shape kubectl prints.</summary>
    public static ApiError Invalid(ResourceType type, string name, IReadOnlyList<(string Field, string Message)> causes)
    {
        var details = Describe(type, name);
        details["causes"] = new JsonArray(causes.Select(c => (JsonNode)new JsonObject
        {
            ["reason"] = "FieldValueInvalid", ["message"] = c.Message, ["field"] = c.Field,
        }).ToArray());
        var text = string.Join(", ", causes.Select(c => $"{c.Field}: {c.Message}"));
        return new(422, "Invalid", $"{type.Kind} \"{name}\" is invalid: {text}", details);
    }

    public static ApiError Gone(string message) => new(410, "Expired", message);

    public static ApiError BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiError MethodNotAllowed(string message) => new(405, "MethodNotAllowed", message);

    public static ApiError UnsupportedMediaType(string message) => new(415, "UnsupportedMediaType", message);

    public static ApiError TooManyRequests(string message, int retryAfterSeconds) =>
        new(429, "TooManyRequests", message) { RetryAfterSeconds = retryAfterSeconds };

    public static ApiError Internal(string message) => new(500, "InternalError", message);

    public static ApiError Forbidden(string message) => new(403, "Forbidden", message);

    private static JsonObject Describe(ResourceType type, string name) => new()
    {
        ["name"] = name, ["group"] = type.Group, ["kind"] = type.Plural,
    };
}
