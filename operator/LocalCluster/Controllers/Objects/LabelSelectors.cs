using k8s.Models;

namespace LlmOperator.LocalCluster.Controllers.Objects;

/// <summary>Label selector matching as in k8s.io/apimachinery/pkg/labels (LabelSelectorAsSelector).</summary>
internal static class LabelSelectors
{
    /// <summary>
    /// A null selector selects nothing; an empty one selects everything (callers that must not
    /// select everything, like Deployments and ReplicaSets, reject empty selectors before).
    /// </summary>
    public static bool Matches(V1LabelSelector? selector, IReadOnlyDictionary<string, string> labels)
    {
        if (selector is null) return false;
        foreach (var (key, value) in selector.MatchLabels ?? new Dictionary<string, string>())
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value) return false;
        }

        return (selector.MatchExpressions ?? []).All(e => Matches(e, labels));
    }

    /// <summary>A Service's selector: every pair must be present; an empty map selects nothing here (no endpoints are managed).</summary>
    public static bool Matches(IDictionary<string, string>? selector, IReadOnlyDictionary<string, string> labels) =>
        selector is { Count: > 0 } && selector.All(p => labels.TryGetValue(p.Key, out var v) && v == p.Value);

    public static bool IsEmpty(V1LabelSelector? selector) =>
        selector is null || ((selector.MatchLabels?.Count ?? 0) == 0 && (selector.MatchExpressions?.Count ?? 0) == 0);

    private static bool Matches(V1LabelSelectorRequirement requirement, IReadOnlyDictionary<string, string> labels)
    {
        var has = labels.TryGetValue(requirement.Key, out var value);
        var values = requirement.Values ?? [];
        return requirement.OperatorProperty switch
        {
            "In" => has && values.Contains(value!),
            "NotIn" => !has || !values.Contains(value!),
            "Exists" => has,
            "DoesNotExist" => !has,
            _ => false,
        };
    }
}
