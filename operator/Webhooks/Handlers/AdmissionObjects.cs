using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using LlmOperator.Operator.Webhooks.Admission;

namespace LlmOperator.Operator.Webhooks.Handlers;

/// <summary>Typed views of the JSON objects in a request.</summary>
internal static class AdmissionObjects
{
    /// <summary>
    /// The object as <typeparamref name="T"/>, or the reason it cannot be read (a field of the wrong type, which
    /// the mutating webhook sees before the API server's schema check does).
    /// </summary>
    public static (T? Value, string? Error) Read<T>(JsonObject obj) where T : class
    {
        try
        {
            return (KubernetesJson.Deserialize<T>(obj.ToJsonString()), null);
        }
        catch (JsonException e)
        {
            return (null, $"{e.Path ?? "$"}: {e.Message}");
        }
    }

    /// <summary>True when an UPDATE leaves <paramref name="field"/> (spec, data) as it was: only metadata or status changed.</summary>
    public static bool Unchanged(AdmissionRequest request, string field) =>
        request.Operation == "UPDATE" && request.OldObject is not null && request.Object is not null &&
        JsonNode.DeepEquals(request.Object[field], request.OldObject[field]);

    /// <summary>Being deleted: the only writes left are finalizers and status, which must never be refused.</summary>
    public static bool Terminating(JsonObject obj) => obj["metadata"]?["deletionTimestamp"] is not null;
}
