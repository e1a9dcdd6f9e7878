using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmOperator.Charts.Tests.GitOps.Kstatus;

/// <summary>kstatus's verdict: <c>status.Result</c> of sigs.k8s.io/cli-utils/pkg/kstatus/status.</summary>
internal sealed record KstatusResult(string Status, string Message);

/// <summary>
/// A C# port of <c>status.Compute</c> from sigs.k8s.io/cli-utils/pkg/kstatus/status (status.go, generic.go), the
/// library Flux's kustomize-controller and helm-controller use for <c>wait</c> and <c>healthChecks</c>, for a custom
/// resource (for which it has no type-specific rules: GetLegacyConditionsFn returns nil). The order of the checks and
/// the messages are the library's; a difference from it is a bug in this port.
/// </summary>
internal static class KstatusRules
{
    public const string InProgress = "InProgress", Failed = "Failed", Current = "Current", Terminating = "Terminating";

    public static KstatusResult Compute(JsonNode obj) =>
        CheckGenericProperties(obj) ?? CheckReadyCondition(obj) ?? new KstatusResult(Current, "Resource is current");

    /// <summary>generic.go checkGenericProperties: deletion, then the generation, then Reconciling / Stalled.</summary>
    private static KstatusResult? CheckGenericProperties(JsonNode obj)
    {
        if (obj["metadata"]?["deletionTimestamp"] is JsonValue deletion && deletion.GetValueKind() == JsonValueKind.String
            && deletion.GetValue<string>() != "")
            return new KstatusResult(Terminating, "Resource scheduled for deletion");
        if (CheckGeneration(obj) is { } generation) return generation;
        // The first of the two abnormal-true conditions found, in the list's order, decides.
        foreach (var condition in Conditions(obj))
        {
            if (Text(condition, "status") != "True") continue;
            if (Text(condition, "type") == "Reconciling") return new KstatusResult(InProgress, Text(condition, "message"));
            if (Text(condition, "type") == "Stalled") return new KstatusResult(Failed, Text(condition, "message"));
        }
        return null;
    }

    /// <summary>generic.go checkGeneration: only when both fields exist (an absent observedGeneration skips the check).</summary>
    private static KstatusResult? CheckGeneration(JsonNode obj)
    {
        if (Int64(obj["metadata"]?["generation"]) is not { } generation) return null;
        if (Int64(obj["status"]?["observedGeneration"]) is not { } observed || observed == generation) return null;
        var kind = Text(obj, "kind");
        return new KstatusResult(InProgress, $"{kind} generation is {generation}, but latest observed generation is {observed}");
    }

    /// <summary>status.go checkReadyCondition: the widespread, non-kstatus Ready condition, as a last resort.</summary>
    private static KstatusResult? CheckReadyCondition(JsonNode obj)
    {
        foreach (var condition in Conditions(obj).Where(c => Text(c, "type") == "Ready"))
        {
            switch (Text(condition, "status"))
            {
                case "True": return new KstatusResult(Current, "Resource is Ready");
                case "False" or "Unknown": return new KstatusResult(InProgress, Text(condition, "message"));
            }
        }
        return null;
    }

    private static IEnumerable<JsonNode> Conditions(JsonNode obj) =>
        (obj["status"]?["conditions"] as JsonArray)?.OfType<JsonNode>() ?? [];

    private static string Text(JsonNode node, string field) =>
        node[field] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : "";

    private static long? Int64(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out var n) ? n : null;
}
