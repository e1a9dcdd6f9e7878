using k8s;
using k8s.Models;
using LlmOperator.Operator.Kubernetes;
using LlmOperator.Operator.Runtime;
using LlmOperator.Operator.Tests.Fakes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using S = LlmOperator.Operator.Tests.Fakes.MockKubeApiServer;

namespace LlmOperator.Operator.Tests.Runtime;

public sealed class ResourceWatcherTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>The handler's calls, as "TYPE name".</summary>
    private sealed class Seen
    {
        private readonly List<string> _events = [];
        private readonly SemaphoreSlim _signal = new(0);

        public void Add(WatchEventType type, IKubernetesObject<V1ObjectMeta> item)
        {
            lock (_events) _events.Add($"{type} {item.Metadata.Name}");
            _signal.Release();
        }

        public List<string> Events { get { lock (_events) return [.. _events]; } }

        public async Task WaitForAsync(int count)
        {
            using var timeout = new CancellationTokenSource(Patience);
            while (Events.Count < count) await _signal.WaitAsync(timeout.Token);
        }
    }

    [Fact]
    public async Task Run_Should_ListWatchFromListVersionAndRelist_When_ServerSays410()
    {
        int watches = 0;
        await using var server = await S.StartAsync(async context =>
        {
            var query = context.Request.Query;
            if (query["watch"] != "true")
            {
                await (watches == 0
                    ? S.JsonAsync(context, S.List("PodList", "10", S.Pod("a", "5")))
                    : S.JsonAsync(context, S.List("PodList", "20", S.Pod("b", "16"))));
                return;
            }
            switch (Interlocked.Increment(ref watches))
            {
                case 1: // resumes after the list; a bookmark moves the resourceVersion on; then the server closes
                    await S.WatchAsync(context, [S.Event("ADDED", S.Pod("b", "11")), S.Event("BOOKMARK", """{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"15"}}""")]);
                    break;
                case 2: // the version is compacted away
                    await S.WatchAsync(context, [S.Event("ERROR", """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 15 (17)","reason":"Expired","code":410}""")]);
                    break;
                default:
                    await S.WatchAsync(context, [], holdOpen: true);
                    break;
            }
        });
        var seen = new Seen();
        using var client = server.Client();
        var source = WatchSources.Pods(client, null, "app.kubernetes.io/managed-by=llm-operator", ApiResilience.Create(retryConflicts: false));
        var watcher = new ResourceWatcher<V1Pod>(source, seen.Add, NullLogger.Instance, _ => TimeSpan.FromMilliseconds(10));
        using var stop = new CancellationTokenSource();

        var run = watcher.RunAsync(stop.Token);
        await seen.WaitForAsync(4);
        // The relist's events are delivered before the third watch starts: wait for that watch too.
        for (var deadline = DateTime.UtcNow.AddSeconds(30); WatchCount(server) < 3 && DateTime.UtcNow < deadline;)
            await Task.Delay(10);
        await stop.CancelAsync();
        await run;

        Assert.Equal(["Added a", "Added b", "Deleted a", "Added b"], seen.Events);
        Assert.Equal(2, watcher.Lists);
        var watchQueries = server.Requests.Where(r => r.Contains("watch=true", StringComparison.Ordinal)).ToList();
        Assert.All(watchQueries, q => Assert.Contains("allowWatchBookmarks=true", q, StringComparison.Ordinal));
        Assert.Contains("resourceVersion=10", watchQueries[0], StringComparison.Ordinal);
        Assert.Contains("resourceVersion=15", watchQueries[1], StringComparison.Ordinal);
        Assert.Contains("resourceVersion=20", watchQueries[2], StringComparison.Ordinal);
        Assert.All(server.Requests, r => Assert.Contains("labelSelector=app.kubernetes.io", Uri.UnescapeDataString(r), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_Should_BackOffAndListAgain_When_ApiServerFails()
    {
        int lists = 0;
        await using var server = await S.StartAsync(async context =>
        {
            if (context.Request.Query["watch"] == "true")
            {
                await S.WatchAsync(context, [], holdOpen: true);
                return;
            }
            // 403 is not retried by the call pipeline: the watcher's own back-off handles it.
            if (Interlocked.Increment(ref lists) <= 2) await S.StatusAsync(context, 403, "Forbidden", "pods is forbidden");
            else await S.JsonAsync(context, S.List("PodList", "3", S.Pod("a", "2")));
        });
        var seen = new Seen();
        var backoffs = new List<int>();
        using var client = server.Client();
        var watcher = new ResourceWatcher<V1Pod>(WatchSources.Pods(client, "ml", "x=y", ApiResilience.Create(retryConflicts: false)),
            seen.Add, NullLogger.Instance, n => { backoffs.Add(n); return TimeSpan.FromMilliseconds(10); });
        using var stop = new CancellationTokenSource();

        var run = watcher.RunAsync(stop.Token);
        await seen.WaitForAsync(1);
        await stop.CancelAsync();
        await run;

        Assert.Equal([1, 2], backoffs);
        Assert.Equal(["Added a"], seen.Events);
    }

    [Fact]
    public async Task Run_Should_TypeCustomObjects_When_WatchingModelDeployments()
    {
        const string md = """{"apiVersion":"inference.llmoperator.dev/v1alpha1","kind":"ModelDeployment","metadata":{"name":"tiny","namespace":"ml","resourceVersion":"7"},"spec":{"model":{"name":"llmoperator/tiny-llama4","config":{"configMapKeyRef":{"name":"cfg"}}}}}""";
        await using var server = await S.StartAsync(async context =>
        {
            if (context.Request.Query["watch"] == "true") await S.WatchAsync(context, [S.Event("MODIFIED", md)], holdOpen: true);
            else await S.JsonAsync(context, """{"apiVersion":"inference.llmoperator.dev/v1alpha1","kind":"ModelDeploymentList","metadata":{"resourceVersion":"6"},"items":[]}""");
        });
        var keys = new ReconcileKeys();
        var seen = new Seen();
        using var client = server.Client();
        var watcher = new ResourceWatcher<LlmOperator.Operator.Entities.V1Alpha1ModelDeployment>(
            WatchSources.ModelDeployments(client, null, ApiResilience.Create(retryConflicts: false)),
            (type, item) => { keys.ForModelDeployment(type, item); seen.Add(type, item); }, NullLogger.Instance);
        using var stop = new CancellationTokenSource();

        var run = watcher.RunAsync(stop.Token);
        await seen.WaitForAsync(1);
        await stop.CancelAsync();
        await run;

        Assert.Equal(["Modified tiny"], seen.Events);
        Assert.Contains(server.Requests, r => r.StartsWith("GET /apis/inference.llmoperator.dev/v1alpha1/modeldeployments?", StringComparison.Ordinal));
        Assert.Equal(["ml/tiny"], keys.ForConfigMap(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cfg", NamespaceProperty = "ml" } }));
    }

    private static int WatchCount(MockKubeApiServer server) =>
        server.Requests.Count(r => r.Contains("watch=true", StringComparison.Ordinal));
}
