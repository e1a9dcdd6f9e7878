using LlmOperator.Charts.Tests.Rendering;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LlmOperator.Charts.Tests.Observability;

/// <summary>charts/llm-operator/templates/prometheusrule.yaml, rendered with the chart's default values.</summary>
public sealed class PrometheusRuleTests
{
    private static readonly List<JsonNode> Alerts = ObservabilityFiles.Alerts(RepositoryPaths.Root).ToList();

    private static JsonNode Alert(string name) => Alerts.Single(a => (string?)a["alert"] == name);

    [Fact]
    public void Template_Should_RenderAPrometheusRuleOnlyWhenEnabled_When_Read()
    {
        var rule = ObservabilityFiles.PrometheusRule(RepositoryPaths.Root);

        Assert.Empty(ObservabilityFiles.Rendered(RepositoryPaths.Root, "templates/prometheusrule.yaml")); // off by default
        Assert.Equal(("monitoring.coreos.com/v1", "PrometheusRule"), ((string?)rule["apiVersion"], (string?)rule["kind"]));
        Assert.Equal(ObservabilityFiles.ReleaseNamespace, (string?)rule["metadata"]!["namespace"]);
        Assert.Equal("kube-prometheus-stack", (string?)rule["metadata"]!["labels"]!["release"]); // what Prometheus selects rules by
    }

    [Fact]
    public void Alerts_Should_EachHaveExprForSeveritySummaryDescriptionAndRunbook_When_Rendered()
    {
        var runbook = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "observability.md"));

        Assert.Equal(["LlmOperatorDown", "LlmOperatorGpuAssertion", "LlmOperatorModelDeploymentNotReady", "LlmOperatorModelDeploymentStalled", "LlmOperatorRollback"],
            Alerts.Select(a => (string)a["alert"]!).Order(StringComparer.Ordinal));
        foreach (var alert in Alerts)
        {
            var name = (string)alert["alert"]!;
            Assert.False(string.IsNullOrWhiteSpace((string?)alert["expr"]), name);
            Assert.Matches(@"^\d+[smhdwy]$", (string?)alert["for"] ?? "");
            Assert.Contains((string?)alert["labels"]?["severity"], new[] { "warning", "critical" });
            Assert.False(string.IsNullOrWhiteSpace((string?)alert["annotations"]?["summary"]), $"{name}: no summary");
            Assert.False(string.IsNullOrWhiteSpace((string?)alert["annotations"]?["description"]), $"{name}: no description");
            var url = (string?)alert["annotations"]?["runbook_url"] ?? "";
            Assert.StartsWith("https://github.com/llmoperator/llm-operator/blob/main/docs/observability.md#", url);
            // GitHub's anchor of a heading "### Name" is its lower-cased text.
            Assert.Contains($"### {name}\n", runbook.Replace("\r\n", "\n", StringComparison.Ordinal));
            Assert.Equal(name.ToLowerInvariant(), url[(url.IndexOf('#') + 1)..]);
        }
    }

    [Fact]
    public void Alerts_Should_UseTheChartValuesAndTheMetricsServiceJob_When_Rendered()
    {
        Assert.Equal("15m", (string?)Alert("LlmOperatorModelDeploymentStalled")["for"]);
        Assert.Equal("15m", (string?)Alert("LlmOperatorModelDeploymentNotReady")["for"]);
        Assert.Equal("5m", (string?)Alert("LlmOperatorDown")["for"]);
        var down = (string)Alert("LlmOperatorDown")["expr"]!;
        Assert.Contains($"up{{job=\"{ObservabilityFiles.MetricsService}\", namespace=\"{ObservabilityFiles.ReleaseNamespace}\"}}", down);
        Assert.Contains("absent(up{", down);
        Assert.All(Alerts.Where(a => ((string)a["expr"]!).Contains("llm_operator_", StringComparison.Ordinal)),
            a => Assert.Contains($"job=\"{ObservabilityFiles.MetricsService}\"", (string)a["expr"]!));
    }

    [Fact]
    public void RollbackAlerts_Should_NameTheReasonAndPageOnGpuAssertions_When_Rendered()
    {
        var rollback = Alert("LlmOperatorRollback");
        var gpu = Alert("LlmOperatorGpuAssertion");

        Assert.Contains("{{ $labels.reason }}", (string)rollback["annotations"]!["summary"]!);
        Assert.Contains("increase(llm_operator_rollbacks_total{", (string)rollback["expr"]!);
        Assert.Contains("reason!=\"GpuAssertion\"", (string)rollback["expr"]!);
        Assert.Equal("warning", (string?)rollback["labels"]!["severity"]);
        Assert.Contains("reason=\"GpuAssertion\"", (string)gpu["expr"]!);
        Assert.Equal("critical", (string?)gpu["labels"]!["severity"]);
        // Prometheus's templates reach Prometheus as written: Helm's raw strings are gone, nothing is left half-escaped.
        Assert.All(Alerts.SelectMany(a => a["annotations"]!.AsObject().Select(p => (string)p.Value!)),
            text => Assert.DoesNotMatch(new Regex("`|\\{\\{`"), text));
    }

    [Fact]
    public void ResourceAlerts_Should_ReadTheConditionGaugeByResource_When_Rendered()
    {
        var stalled = (string)Alert("LlmOperatorModelDeploymentStalled")["expr"]!;
        var notReady = (string)Alert("LlmOperatorModelDeploymentNotReady")["expr"]!;

        Assert.Contains("max by (namespace, name) (llm_operator_modeldeployment_condition{", stalled);
        Assert.Contains("type=\"Stalled\", status=\"true\"", stalled);
        Assert.Contains("type=\"Ready\", status!=\"true\"", notReady);
        Assert.Contains("unless on (namespace, name)", notReady);
        Assert.Contains("{{ $labels.namespace }}/{{ $labels.name }}", (string)Alert("LlmOperatorModelDeploymentStalled")["annotations"]!["summary"]!);
        Assert.All(Alerts, a => PromQlMetricNames.Of((string)a["expr"]!));
    }
}
