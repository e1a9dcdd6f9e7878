using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Api;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api.Selection;

/// <summary>
/// A parsed <c>fieldSelector</c>: comma-separated <c>field=value</c>, <c>field==value</c> or
/// <c>field!=value</c> terms, in any order, all of which must hold. Only the fields kube-apiserver
/// indexes for the kind are accepted (others are 400 "field label not supported"), because kubectl
/// relies on server-side filtering: <c>describe</c> asks for events by <c>involvedObject.*</c>,
/// <c>wait</c>/<c>rollout status</c> by <c>metadata.name</c>, kubelets for pods by <c>spec.nodeName</c>.
/// </summary>
public sealed class FieldSelector
{
    // Per kind, the fields beyond metadata.name/metadata.namespace that kube-apiserver 1.32 supports
    // (the kinds' GetAttrs / AddFieldLabelConversionFunc in pkg/registry and pkg/apis).
    private static readonly Dictionary<string, string[]> ExtraFields = new()
    {
        ["pods"] =
        [
            "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
            "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName",
        ],
        ["events"] =
        [
            "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
            "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
            "reason", "reportingComponent", "source", "type",
        ],
        ["secrets"] = ["type"],
        ["nodes"] = ["spec.unschedulable"],
        ["namespaces"] = ["status.phase"],
        ["replicasets.apps"] = ["status.replicas"],
    };

    private static readonly HashSet<string> BooleanFields = ["spec.hostNetwork", "spec.unschedulable"];

    private readonly IReadOnlyList<Term> _terms;

    private FieldSelector(IReadOnlyList<Term> terms) => _terms = terms;

    public static FieldSelector Everything { get; } = new([]);

    public bool IsEverything => _terms.Count == 0;

    /// <summary>Parses a selector for one kind; throws 400 BadRequest on bad syntax or an unsupported field.</summary>
    public static FieldSelector Parse(string? text, ResourceType type)
    {
        if (string.IsNullOrWhiteSpace(text)) return Everything;
        var terms = new List<Term>();
        foreach (var raw in text.Split(','))
        {
            var term = ParseTerm(raw);
            if (!IsSupported(type, term.Field))
            {
                throw ApiError.BadRequest($"field label not supported: {term.Field}");
            }

            terms.Add(term);
        }

        return new FieldSelector(terms);
    }

    /// <summary>The value a term equals, when the selector pins a field with "=" (e.g. metadata.name for a watch of one object).</summary>
    public string? RequiredValue(string field) =>
        _terms.FirstOrDefault(t => t.Field == field && !t.Negated)?.Value;

    public bool Matches(JsonObject obj) => _terms.All(t => (ValueOf(obj, t.Field) == t.Value) != t.Negated);

    private static bool IsSupported(ResourceType type, string field) =>
        field is "metadata.name" or "metadata.namespace" ||
        (type.IsBuiltIn() && ExtraFields.TryGetValue(type.GroupResource, out var extra) && extra.Contains(field));

    private static string ValueOf(JsonObject obj, string field)
    {
        // "source" on events is the reporting component, as in the events field-label conversion.
        var path = field == "source" ? "source.component" : field;
        var text = JsonText.Of(JsonText.At(obj, path));
        if (BooleanFields.Contains(field)) return text ?? "false";
        return text ?? "";
    }

    private static Term ParseTerm(string raw)
    {
        foreach (var (token, negated) in new[] { ("!=", true), ("==", false), ("=", false) })
        {
            var at = raw.IndexOf(token, StringComparison.Ordinal);
            if (at <= 0) continue;
            return new Term(raw[..at].Trim(), raw[(at + token.Length)..].Trim(), negated);
        }

        throw ApiError.BadRequest($"invalid selector: '{raw}'; can't understand '{raw}' (expected field=value, field==value or field!=value)");
    }

    private sealed record Term(string Field, string Value, bool Negated);
}
