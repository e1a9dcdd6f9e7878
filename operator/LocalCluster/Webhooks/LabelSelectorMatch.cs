using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Webhooks;

/// <summary>A metav1.LabelSelector (matchLabels and matchExpressions) against a set of labels.</summary>
public static class LabelSelectorMatch
{
    /// <summary>True when every term holds; an absent or empty selector matches everything.</summary>
    public static bool Matches(JsonNode? selector, IReadOnlyDictionary<string, string> labels)
    {
        foreach (var (key, value) in JsonRead.Entries(selector, "matchLabels"))
        {
            if (!labels.TryGetValue(key, out var actual) || actual != (string?)value) return false;
        }

        foreach (var expression in JsonRead.Objects(selector, "matchExpressions"))
        {
            var key = JsonRead.Str(expression, "key") ?? "";
            var values = (JsonRead.At(expression, "values") as JsonArray ?? []).Select(v => (string?)v).ToList();
            var has = labels.TryGetValue(key, out var actual);
            var holds = JsonRead.Str(expression, "operator") switch
            {
                "In" => has && values.Contains(actual),
                "NotIn" => !has || !values.Contains(actual),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!holds) return false;
        }

        return true;
    }

    /// <summary>metadata.labels of an object as a dictionary (empty when none).</summary>
    public static IReadOnlyDictionary<string, string> LabelsOf(JsonNode? obj) =>
        JsonRead.Entries(obj, "metadata", "labels").ToDictionary(kv => kv.Key, kv => kv.Value?.ToString() ?? "");
}
