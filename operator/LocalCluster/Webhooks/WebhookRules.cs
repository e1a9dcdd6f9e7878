using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Admission;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Webhooks;

/// <summary>
/// Whether a webhook (one entry of a webhook configuration's <c>webhooks</c>) applies to a request: its rules
/// (operations, apiGroups, apiVersions, resources with subresource syntax, scope), namespaceSelector and
/// objectSelector, as kube-apiserver's webhook matcher decides.
/// </summary>
public static class WebhookRules
{
    public static bool Applies(JsonObject webhook, AdmissionRequest request, ObjectStore store) =>
        JsonRead.Objects(webhook, "rules").Any(rule => RuleMatches(rule, request)) &&
        NamespaceMatches(webhook, request, store) &&
        ObjectMatches(webhook, request);

    public static bool RuleMatches(JsonObject rule, AdmissionRequest request)
    {
        var type = request.Type;
        return Contains(rule, "operations", OperationName(request.Operation)) &&
               Contains(rule, "apiGroups", type.Group) &&
               Contains(rule, "apiVersions", type.Version) &&
               Strings(rule, "resources").Any(r => ResourceMatches(r, type.Plural, request.SubResource)) &&
               (JsonRead.Str(rule, "scope") ?? "*") switch
               {
                   "Cluster" => !type.Namespaced,
                   "Namespaced" => type.Namespaced,
                   _ => true,
               };
    }

    public static string OperationName(AdmissionOperation operation) => operation.ToString().ToUpperInvariant();

    /// <summary>"*" is every resource but no subresource; "*/*" everything; "pods/*", "*/status" as written.</summary>
    private static bool ResourceMatches(string pattern, string plural, string? subresource)
    {
        var slash = pattern.IndexOf('/');
        var (resourcePart, subPart) = slash < 0 ? (pattern, "") : (pattern[..slash], pattern[(slash + 1)..]);
        var sub = subresource ?? "";
        return (resourcePart == "*" || resourcePart == plural) && (subPart == "*" || subPart == sub);
    }

    /// <summary>
    /// Namespaced requests match on their namespace's labels (with the automatic kubernetes.io/metadata.name);
    /// a Namespace matches on its own labels; other cluster-scoped objects always match.
    /// </summary>
    private static bool NamespaceMatches(JsonObject webhook, AdmissionRequest request, ObjectStore store)
    {
        var selector = webhook["namespaceSelector"];
        if (selector is null) return true;
        if (request.Type.GroupResource == BuiltInTypes.Namespaces.GroupResource)
        {
            return LabelSelectorMatch.Matches(selector, LabelSelectorMatch.LabelsOf(request.Object ?? request.OldObject));
        }

        if (!request.Type.Namespaced || request.Namespace is null) return true;
        var labels = LabelSelectorMatch.LabelsOf(store.Get(BuiltInTypes.Namespaces, null, request.Namespace))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        labels["kubernetes.io/metadata.name"] = request.Namespace;
        return LabelSelectorMatch.Matches(selector, labels);
    }

    /// <summary>objectSelector holds when either the new or the old object's labels match.</summary>
    private static bool ObjectMatches(JsonObject webhook, AdmissionRequest request)
    {
        var selector = webhook["objectSelector"];
        if (selector is null) return true;
        return (request.Object is not null && LabelSelectorMatch.Matches(selector, LabelSelectorMatch.LabelsOf(request.Object))) ||
               (request.OldObject is not null && LabelSelectorMatch.Matches(selector, LabelSelectorMatch.LabelsOf(request.OldObject)));
    }

    private static bool Contains(JsonObject rule, string field, string value) =>
        Strings(rule, field).Any(v => v == "*" || v == value);

    private static IEnumerable<string> Strings(JsonObject rule, string field) =>
        (rule[field] as JsonArray ?? []).Select(v => (string?)v).OfType<string>();
}
