using System.Diagnostics;
using k8s;
using k8s.Models;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Runtime;
using LlmOperator.Operator.Telemetry;
using LlmOperator.Operator.Tests.Fakes;
using LlmOperator.Operator.Tests.Telemetry;
using LlmOperator.Operator.Tests.Reconciliation.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmOperator.Operator.Tests.Runtime;

public sealed class ControllerRunnerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static async Task Until(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!condition()) await Task.Delay(20, timeout.Token);
    }

    [Fact]
    public async Task Run_Should_ReconcileWatchedResources_When_Leading()
    {
        using var h = new ReconcilerHarness(s => s.Model = new ModelSpec
        {
            Name = "acme/tiny", Config = new ModelConfigSource { ConfigMapKeyRef = new ConfigMapKeyReference { Name = "tiny-config" } },
        });
        var resources = new ChannelWatchSource<V1Alpha1ModelDeployment>("modeldeployments", h.Resource);
        var configMaps = new ChannelWatchSource<V1ConfigMap>("configmaps");
        var watches = new WatchSet(resources, new ChannelWatchSource<V1Deployment>("deployments"), new ChannelWatchSource<V1Pod>("pods"), configMaps);
        var runner = new ControllerRunner(watches, h.Cluster, h.Reconciler, h.Metrics, new OperatorOptions { Concurrency = 2 }, NullLoggerFactory.Instance);
        using var reconciles = new MeasurementRecorder(h.Metrics, "llm_operator_reconciles");
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == OperatorTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) spans.Add(a); },
        };
        ActivitySource.AddActivityListener(listener);
        using var stop = new CancellationTokenSource();
        var run = runner.RunAsync(stop.Token);

        // The ConfigMap is missing: invalid. When it appears, its watch event re-validates the resource.
        await Until(() => h.Resource.Status?.Phase == "Invalid");
        var config = File.ReadAllText(RepositoryPaths.Of("engine", "Rules", "Catalog", "llmoperator--tiny-llama4.json"));
        var configMap = h.Cluster.Put(new V1ConfigMap
        {
            ApiVersion = "v1", Kind = "ConfigMap",
            Metadata = new V1ObjectMeta { Name = "tiny-config", NamespaceProperty = ReconcilerHarness.Ns },
            Data = new Dictionary<string, string> { ["config.json"] = config },
        });
        configMaps.Send(WatchEventType.Added, configMap);
        await Until(() => h.Deployment is not null && h.Resource.Status?.Phase == "Pending");
        await stop.CancelAsync();
        await run;

        Assert.Equal(1, reconciles.Total(("result", "terminal")));
        Assert.True(reconciles.Total(("result", "success")) >= 1);
        lock (spans)
        {
            var reconcile = spans.First(s => s.OperationName == "reconcile ModelDeployment" && (string?)s.GetTagItem("reconcile.result") == "success");
            Assert.Equal("ml/tiny", reconcile.GetTagItem("k8s.object.key"));
        }
    }

    [Fact]
    public async Task Run_Should_StopExportingResourceState_When_TheTermEnds()
    {
        using var h = new ReconcilerHarness(s => s.Engine.TensorParallelSize = 3);
        var watches = new WatchSet(new ChannelWatchSource<V1Alpha1ModelDeployment>("modeldeployments", h.Resource),
            new ChannelWatchSource<V1Deployment>("deployments"), new ChannelWatchSource<V1Pod>("pods"), new ChannelWatchSource<V1ConfigMap>("configmaps"));
        var runner = new ControllerRunner(watches, h.Cluster, h.Reconciler, h.Metrics, new OperatorOptions { Concurrency = 1 }, NullLoggerFactory.Instance);
        using var conditions = new ObservedSeries(h.Metrics, "llm_operator_modeldeployment_condition");
        using var phases = new ObservedSeries(h.Metrics, "llm_operator_resources");
        using var stop = new CancellationTokenSource();
        var run = runner.RunAsync(stop.Token);
        await Until(() => h.Resource.Status?.Phase == "Invalid");
        Assert.Contains(conditions.Scrape(), s => s["type"] == ConditionTypes.Stalled && s["status"] == "true");

        await stop.CancelAsync();
        await run;

        Assert.Empty(conditions.Scrape());
        Assert.Empty(phases.Scrape());
    }
}
