using LlmOperator.Charts.Tests.Rendering;
using LlmOperator.Charts.Tests.Yaml;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LlmOperator.Charts.Tests.Observability;

/// <summary>
/// The chart's dashboard and alerting rules, and every PromQL expression in them (panel targets, the variables'
/// <c>label_values</c> queries, alert expressions) with where it is, so tests can check the names they read.
/// </summary>
public static partial class ObservabilityFiles
{
    public const string Release = "rel", ReleaseNamespace = "llm-system";
    public const string MetricsService = "rel-llm-operator-metrics";

    [GeneratedRegex("""^\s*label_values\((?:(?<selector>.+),)?\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*$""", RegexOptions.Singleline)]
    private static partial Regex LabelValues();

    public static string Chart(string root, params string[] parts) => Path.Combine([root, "charts", "llm-operator", .. parts]);

    public static JsonNode Dashboard(string root) => JsonNode.Parse(File.ReadAllText(Chart(root, "dashboards", "llm-operator.json")))!;

    public static JsonNode PrometheusRule(string root) =>
        Rendered(root, "templates/prometheusrule.yaml", """{"prometheusRule": {"enabled": true, "labels": {"release": "kube-prometheus-stack"}}}""").Single();

    /// <summary>
    /// One template as <c>helm template --show-only</c> renders it for release <see cref="Release"/> (values.yaml's
    /// defaults, with <paramref name="valuesJson"/> merged over them): its documents as JSON, none when it is switched off.
    /// </summary>
    public static IReadOnlyList<JsonNode> Rendered(string root, string template, string? valuesJson = null)
    {
        var output = HelmRenderProgram.Run(root, Chart(root), Release, ReleaseNamespace, valuesJson, template);
        if (output.ExitCode != 0) throw new InvalidOperationException($"rendering {template}: {output.Error}");
        return YamlJson.Documents(output.Manifests, template);
    }

    public static IEnumerable<JsonNode> Alerts(string root) =>
        PrometheusRule(root)["spec"]!["groups"]!.AsArray().SelectMany(g => g!["rules"]!.AsArray()).Select(r => r!);

    /// <summary>Every expression, as (where, PromQL).</summary>
    public static IEnumerable<(string Where, string Expr)> Queries(string root)
    {
        var dashboard = Dashboard(root);
        foreach (var panel in Panels(dashboard))
        foreach (var target in panel["targets"]?.AsArray() ?? [])
            yield return ($"dashboard panel '{panel["title"]}' target {target?["refId"]}", (string)target!["expr"]!);
        foreach (var variable in dashboard["templating"]!["list"]!.AsArray().Where(v => (string?)v!["type"] == "query"))
        {
            var query = variable!["query"] is JsonObject q ? (string)q["query"]! : (string)variable["query"]!;
            var match = LabelValues().Match(query);
            if (!match.Success) throw new FormatException($"variable '{variable["name"]}': expected label_values(selector, label), got: {query}");
            if (match.Groups["selector"].Success) yield return ($"dashboard variable '{variable["name"]}'", match.Groups["selector"].Value);
        }
        foreach (var alert in Alerts(root))
            yield return ($"alert {alert["alert"]}", (string)alert["expr"]!);
    }

    /// <summary>The panels, rows' nested panels included, rows themselves not.</summary>
    public static IEnumerable<JsonNode> Panels(JsonNode dashboard) =>
        dashboard["panels"]!.AsArray().SelectMany(p => (string?)p!["type"] == "row" ? p["panels"]?.AsArray().Select(n => n!) ?? [] : [p]);
}
