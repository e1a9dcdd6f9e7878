using System.Text.Json.Nodes;

namespace LlmOperator.LocalCluster.Scheduling;

/// <summary>
/// Writes a pod condition into <c>status.conditions</c> as the kubelet and scheduler do: <c>lastTransitionTime</c>
/// moves only when the status flips, so clients can tell how long a pod has been Ready or Unschedulable.
/// </summary>
public static class PodConditions
{
    /// <returns>True when something changed.</returns>
    public static bool Set(JsonObject status, string type, bool value, string? reason, string? message, DateTime now)
    {
        var conditions = status["conditions"] as JsonArray ?? (JsonArray)(status["conditions"] = new JsonArray());
        var text = value ? "True" : "False";
        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type);
        var transition = existing is not null && (string?)existing["status"] == text
            ? existing["lastTransitionTime"]?.DeepClone()
            : JsonValue.Create(now.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ"));
        var next = new JsonObject
        {
            ["type"] = type,
            ["status"] = text,
            ["lastProbeTime"] = null,
            ["lastTransitionTime"] = transition,
        };
        if (reason is not null) next["reason"] = reason;
        if (message is not null) next["message"] = message;
        if (existing is not null && JsonNode.DeepEquals(existing, next)) return false;
        if (existing is null) conditions.Add(next);
        else conditions[conditions.IndexOf(existing)] = next;
        return true;
    }

    public static string? Status(JsonObject pod, string type) =>
        (pod["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>()
            .Where(c => (string?)c["type"] == type).Select(c => (string?)c["status"]).FirstOrDefault();
}
