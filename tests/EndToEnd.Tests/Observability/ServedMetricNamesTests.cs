using System.Net.Http.Json;
using LlmOperator.Charts.Tests.Observability;
using LlmOperator.EndToEnd.Tests.Support;

namespace LlmOperator.EndToEnd.Tests.Observability;

/// <summary>
/// Every metric the chart's Grafana dashboard and PrometheusRule read is one that a running operator or a running
/// engine serves at /metrics, under exactly that name (histograms as _bucket, counters as _total, vLLM's names with
/// ':'): scraped from the operator embedded in the local stack after it reconciled a ModelDeployment, and from that
/// ModelDeployment's engine process, through its Service, after the operator's probe and one completion.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ServedMetricNamesTests(StackFixture fixture) : IClassFixture<StackFixture>
{
    /// <summary>Prometheus's own series for every target, which no exporter serves.</summary>
    private static readonly string[] PrometheusOwn = ["up"];

    /// <summary>What a ServiceMonitor's or PodMonitor's scrape adds to every series of a target.</summary>
    private static readonly HashSet<string> TargetLabels = ["job", "instance", "namespace", "pod", "container", "service", "endpoint"];

    [KubectlFact]
    public async Task DashboardAndAlerts_Should_ReadOnlyServedMetrics_When_AnOperatorAndAnEngineRun()
    {
        var manifest = fixture.Kubectl.WriteFile("tiny-metrics.yaml", (await File.ReadAllTextAsync(RepositoryPaths.Of("examples", "tiny-llama4.yaml")))
            .Replace("name: tiny-llama4", "name: tiny-metrics", StringComparison.Ordinal));
        await fixture.Kubectl.SucceedAsync("apply", "-f", manifest);
        await fixture.Kubectl.SucceedAsync("wait", "--for=condition=Ready", "md/tiny-metrics", "--timeout=240s");
        var proxyPort = await fixture.Kubectl.SucceedAsync("get", "svc", "tiny-metrics", "-o",
            "jsonpath={.metadata.annotations.localcluster\\.llmoperator\\.dev/proxy-port-8000}");
        using var engine = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{proxyPort}"), Timeout = TimeSpan.FromSeconds(60) };
        using (var completion = await engine.PostAsJsonAsync("/v1/completions",
                   new { model = "llmoperator/tiny-llama4", prompt = "Once upon a time", max_tokens = 4, temperature = 0 }))
            Assert.True(completion.IsSuccessStatusCode, await completion.Content.ReadAsStringAsync());
        using var operatorHttp = new HttpClient { BaseAddress = fixture.Stack.OperatorMetricsAddress };

        var operatorText = await operatorHttp.GetStringAsync("/metrics");
        var engineText = await engine.GetStringAsync("/metrics");
        var operatorNames = SampleNames(operatorText);
        var engineNames = SampleNames(engineText);

        var served = operatorNames.Concat(engineNames).Concat(PrometheusOwn).ToHashSet(StringComparer.Ordinal);
        var queries = ObservabilityFiles.Queries(RepositoryPaths.Root).ToList();
        var missing = queries.SelectMany(q => PromQlMetricNames.Of(q.Expr).Where(n => !served.Contains(n)).Select(n => $"{q.Where}: {n}")).ToList();
        Assert.True(missing.Count == 0, "Not served by the operator or the engine:\n" + string.Join("\n", missing) +
                                        "\nOperator serves: " + string.Join(", ", operatorNames) + "\nEngine serves: " + string.Join(", ", engineNames));
        // The labels the selectors match on are ones those metrics carry (or the scrape adds).
        var unlabelled = UnservedLabels(queries, SampleLabels(operatorText + "\n" + engineText));
        Assert.True(unlabelled.Count == 0, string.Join("\n", unlabelled));
        // Both sides are read, and the per-resource gauge carries the resource the alerts name.
        var read = queries.SelectMany(q => PromQlMetricNames.Of(q.Expr)).ToHashSet(StringComparer.Ordinal);
        Assert.Contains(read, operatorNames.Contains);
        Assert.Contains(read, engineNames.Contains);
        Assert.Contains("name=\"tiny-metrics\"", operatorText, StringComparison.Ordinal);
    }

    private static List<string> UnservedLabels(IEnumerable<(string Where, string Expr)> queries, Dictionary<string, HashSet<string>> served) =>
        queries.SelectMany(q => PromQlMetricNames.Selectors(q.Expr)
                .SelectMany(s => s.Labels.Where(l => !TargetLabels.Contains(l) && !served.GetValueOrDefault(s.Metric, []).Contains(l))
                    .Select(l => $"{q.Where}: {s.Metric} has no label {l}")))
            .ToList();

    /// <summary>The label names each metric's sample lines carry (values are quoted, with \\ \" \\n escapes).</summary>
    private static Dictionary<string, HashSet<string>> SampleLabels(string exposition)
    {
        var labels = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var line in exposition.Split('\n').Where(l => l.Length > 0 && l[0] != '#'))
        {
            int brace = line.IndexOf('{');
            var name = line[..(brace >= 0 && brace < line.IndexOf(' ') ? brace : line.IndexOf(' '))];
            var set = labels.TryGetValue(name, out var known) ? known : labels[name] = new HashSet<string>(StringComparer.Ordinal);
            if (brace < 0 || brace > line.IndexOf(' ')) continue;
            for (int i = brace + 1; line[i] != '}';)
            {
                int equals = line.IndexOf('=', i);
                set.Add(line[i..equals]);
                i = equals + 2; // past =" to the value
                while (line[i] != '"') i += line[i] == '\\' ? 2 : 1;
                i += line[i + 1] == ',' ? 2 : 1;
            }
        }
        return labels;
    }

    /// <summary>The metric name of each sample line of a Prometheus text exposition.</summary>
    private static SortedSet<string> SampleNames(string exposition) => new(
        exposition.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => l[..l.IndexOfAny([' ', '{'])]), StringComparer.Ordinal);
}
