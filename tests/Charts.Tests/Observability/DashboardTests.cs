using LlmOperator.Charts.Tests.Rendering;
using System.Text.Json.Nodes;

namespace LlmOperator.Charts.Tests.Observability;

/// <summary>charts/llm-operator/dashboards/llm-operator.json and the ConfigMap that ships it to Grafana's sidecar.</summary>
public sealed class DashboardTests
{
    private static readonly JsonNode Dashboard = ObservabilityFiles.Dashboard(RepositoryPaths.Root);

    private static string Where(JsonNode panel) => $"panel {panel["id"]} '{panel["title"]}'";

    [Fact]
    public void Dashboard_Should_CarryTheFieldsGrafanaImportsBy_When_Parsed()
    {
        Assert.True((int)Dashboard["schemaVersion"]! >= 36, "schemaVersion below 36 predates datasource references by uid");
        Assert.Equal("llm-operator", (string?)Dashboard["uid"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)Dashboard["title"]));
        Assert.Null(Dashboard["id"]); // a fixed id would collide with another dashboard of the Grafana it is imported into
    }

    [Fact]
    public void Templating_Should_OfferAPrometheusDatasourceAndNamespaceAndModel_When_Parsed()
    {
        var variables = Dashboard["templating"]!["list"]!.AsArray().ToDictionary(v => (string)v!["name"]!, v => v!);

        Assert.Equal(("datasource", "prometheus"), ((string?)variables["datasource"]["type"], (string?)variables["datasource"]["query"]));
        foreach (var name in new[] { "namespace", "model" })
        {
            Assert.Equal("query", (string?)variables[name]["type"]);
            Assert.Equal("${datasource}", (string?)variables[name]["datasource"]!["uid"]);
            Assert.True((bool?)variables[name]["includeAll"], $"variable {name} should offer All");
        }
    }

    [Fact]
    public void Panels_Should_EachQueryTheChosenDatasourceWithAnExpression_When_Parsed()
    {
        var panels = ObservabilityFiles.Panels(Dashboard).ToList();

        Assert.True(panels.Count >= 14, $"{panels.Count} panels");
        foreach (var panel in panels)
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)panel["type"]), Where(panel));
            Assert.Equal(("prometheus", "${datasource}"), ((string?)panel["datasource"]?["type"], (string?)panel["datasource"]?["uid"]));
            var targets = panel["targets"]?.AsArray() ?? [];
            Assert.True(targets.Count > 0, $"{Where(panel)} has no targets");
            Assert.All(targets, t => Assert.False(string.IsNullOrWhiteSpace((string?)t!["expr"]), $"{Where(panel)}: a target without expr"));
            Assert.Equal(targets.Count, targets.Select(t => (string?)t!["refId"]).Distinct().Count());
        }
    }

    [Fact]
    public void Panels_Should_HaveUniqueIdsAndNonOverlappingGridPositions_When_Laid()
    {
        var all = Dashboard["panels"]!.AsArray().Select(p => p!).ToList();
        var boxes = new List<(string Where, int X, int Y, int W, int H)>();
        foreach (var panel in all)
        {
            var grid = panel["gridPos"] ?? throw new Xunit.Sdk.XunitException($"{Where(panel)} has no gridPos");
            var (x, y, w, h) = ((int)grid["x"]!, (int)grid["y"]!, (int)grid["w"]!, (int)grid["h"]!);
            Assert.True(x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= 24, $"{Where(panel)}: gridPos {grid.ToJsonString()} is outside the 24 columns");
            boxes.Add((Where(panel), x, y, w, h));
        }

        Assert.Equal(all.Count, all.Select(p => (int)p["id"]!).Distinct().Count());
        foreach (var a in boxes)
        foreach (var b in boxes.Where(b => b.Where != a.Where))
            Assert.False(a.X < b.X + b.W && b.X < a.X + a.W && a.Y < b.Y + b.H && b.Y < a.Y + a.H, $"{a.Where} overlaps {b.Where}");
    }

    [Fact]
    public void Queries_Should_AllBeWellFormedPromQl_When_Tokenized()
    {
        var names = ObservabilityFiles.Queries(RepositoryPaths.Root).Where(q => q.Where.StartsWith("dashboard", StringComparison.Ordinal))
            .SelectMany(q => PromQlMetricNames.Of(q.Expr)).ToHashSet();

        // Both halves of the dashboard: the operator's metrics and the engines' vLLM-named ones.
        Assert.Contains("llm_operator_reconcile_duration_seconds_bucket", names);
        Assert.Contains("llm_operator_modeldeployment_condition", names);
        Assert.Contains("vllm:time_to_first_token_seconds_bucket", names);
        Assert.Contains("vllm:kv_cache_usage_perc", names);
    }

    [Fact]
    public void ConfigMap_Should_ShipTheDashboardWithTheSidecarLabels_When_Enabled()
    {
        const string template = "templates/grafana-dashboard.yaml";
        Assert.Empty(ObservabilityFiles.Rendered(RepositoryPaths.Root, template)); // off by default

        var configMap = ObservabilityFiles.Rendered(RepositoryPaths.Root, template, """{"grafanaDashboard": {"enabled": true}}""").Single();

        Assert.Equal(("v1", "ConfigMap"), ((string?)configMap["apiVersion"], (string?)configMap["kind"]));
        Assert.Equal(("rel-llm-operator-dashboard", ObservabilityFiles.ReleaseNamespace),
            ((string?)configMap["metadata"]!["name"], (string?)configMap["metadata"]!["namespace"]));
        Assert.Equal("1", (string?)configMap["metadata"]!["labels"]!["grafana_dashboard"]); // the sidecar's default label
        Assert.True(configMap["data"]!.AsObject().ContainsKey("llm-operator.json"));
    }
}
