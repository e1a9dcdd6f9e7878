using k8s;
using LlmOperator.Operator.Runtime;
using LlmOperator.Operator.Runtime.Hosting;
using LlmOperator.Operator.Tests.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using S = LlmOperator.Operator.Tests.Fakes.MockKubeApiServer;

namespace LlmOperator.Operator.Tests.Telemetry;

/// <summary>The whole `run` host against a scripted API server: watch, reconcile, write status, export metrics.</summary>
public sealed class OperatorHostMetricsTests
{
    private const string Md = """{"apiVersion":"inference.llmoperator.dev/v1alpha1","kind":"ModelDeployment","metadata":{"name":"bad","namespace":"ml","uid":"u1","resourceVersion":"5","generation":1},"spec":{"model":{"name":"llmoperator/tiny-llama4"},"engine":{"tensorParallelSize":3}}}""";

    private static async Task Answer(HttpContext c, List<string> statusWrites)
    {
        var path = c.Request.Path.Value!;
        bool watch = c.Request.Query["watch"] == "true";
        if (watch) { await S.WatchAsync(c, [], holdOpen: true); return; }
        switch (c.Request.Method, path)
        {
            case ("GET", "/apis/inference.llmoperator.dev/v1alpha1/modeldeployments"):
                await S.JsonAsync(c, $$"""{"apiVersion":"inference.llmoperator.dev/v1alpha1","kind":"ModelDeploymentList","metadata":{"resourceVersion":"5"},"items":[{{Md}}]}""");
                return;
            case ("GET", "/apis/inference.llmoperator.dev/v1alpha1/namespaces/ml/modeldeployments/bad"):
                await S.JsonAsync(c, Md);
                return;
            case ("GET", "/apis/apps/v1/deployments"):
                await S.JsonAsync(c, S.List("DeploymentList", "5"));
                return;
            case ("GET", "/api/v1/pods"):
                await S.JsonAsync(c, S.List("PodList", "5"));
                return;
            case ("GET", "/api/v1/configmaps"):
                await S.JsonAsync(c, S.List("ConfigMapList", "5"));
                return;
            case ("POST", "/api/v1/namespaces/ml/events"):
            case ("PUT", "/apis/inference.llmoperator.dev/v1alpha1/namespaces/ml/modeldeployments/bad/status"):
                var body = await new StreamReader(c.Request.Body).ReadToEndAsync();
                if (c.Request.Method == "PUT") lock (statusWrites) statusWrites.Add(body);
                await S.JsonAsync(c, body, c.Request.Method == "POST" ? 201 : 200);
                return;
            default:
                await S.StatusAsync(c, 404, "NotFound", path);
                return;
        }
    }

    [Fact]
    public async Task Host_Should_ReconcileAndExportMetrics_When_Running()
    {
        var statusWrites = new List<string>();
        await using var api = await S.StartAsync(c => Answer(c, statusWrites));
        var options = new OperatorOptions { MetricsPort = 0, Concurrency = 1 };
        await using var app = OperatorHost.Build(options, new KubernetesClientConfiguration { Host = api.Uri.ToString() }, []);
        await app.StartAsync();
        var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "127.0.0.1")).Port;
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            while (true)
            {
                lock (statusWrites) if (statusWrites.Count > 0) break;
                await Task.Delay(50, timeout.Token);
            }
        }
        string metrics = "";
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            while (!metrics.Contains("result=\"terminal\"", StringComparison.Ordinal))
            {
                metrics = await http.GetStringAsync("/metrics", timeout.Token);
                await Task.Delay(50, timeout.Token);
            }
        }
        var ready = await http.GetStringAsync("/readyz");
        await app.StopAsync();

        Assert.Contains("\"phase\":\"Invalid\"", statusWrites[0], StringComparison.Ordinal);
        Assert.Contains("llm_operator_reconciles_total", metrics, StringComparison.Ordinal);
        Assert.Contains("llm_operator_reconcile_duration_seconds_bucket", metrics, StringComparison.Ordinal);
        Assert.Contains("llm_operator_resources{", metrics, StringComparison.Ordinal);
        Assert.Contains("phase=\"Invalid\"", metrics, StringComparison.Ordinal);
        var lines = metrics.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("llm_operator_modeldeployment_condition{", StringComparison.Ordinal)
            && new[] { "namespace=\"ml\"", "name=\"bad\"", "type=\"Stalled\"", "status=\"true\"" }.All(label => l.Contains(label, StringComparison.Ordinal)));
        // The rollback series exist at 0 before any rollback, so increase() sees the first one.
        Assert.Contains(lines, l => l.StartsWith("llm_operator_rollbacks_total{", StringComparison.Ordinal)
            && l.Contains("reason=\"GpuAssertion\"", StringComparison.Ordinal) && l.Contains("} 0", StringComparison.Ordinal));
        Assert.Equal("ok: leading", ready);
        Assert.Contains(api.Requests, r => r.StartsWith("POST /api/v1/namespaces/ml/events", StringComparison.Ordinal));
    }
}
