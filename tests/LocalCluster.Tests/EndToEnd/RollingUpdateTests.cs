using k8s;
using WatchEventType = LlmOperator.LocalCluster.Storage.WatchEventType;
using k8s.Models;
using LlmOperator.LocalCluster.Controllers.Objects;
using LlmOperator.LocalCluster.Storage;
using LlmOperator.LocalCluster.Tests.Controllers.Support;

namespace LlmOperator.LocalCluster.Tests.EndToEnd;

/// <summary>
/// A Deployment rolling update on the whole local cluster with a real process per pod, while a client keeps calling
/// the Service through the service proxy: pods are replaced within maxSurge/maxUnavailable, Endpoints follow
/// readiness, and the proxy sends no connection to a pod that is not ready or is terminating.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RollingUpdateTests(StandardClusterFixture fixture) : IClassFixture<StandardClusterFixture>
{
    private const string App = "roll", Ns = "default";
    private const int Replicas = 3, MaxSurge = 1, MaxUnavailable = 1;

    /// <summary>
    /// The pod: answers every GET with "POD REVISION STATE". It is "warming" for its first second (its readiness
    /// path /ready answers 503, so it cannot be Ready yet), then "serving"; on SIGTERM it is "draining": /ready
    /// answers 503 and it keeps serving 1.5 s more before it exits, as servers with a pre-stop delay do. A response
    /// that says warming, or draining for a request sent after the deletion was stored, is one the proxy should
    /// never have routed.
    /// </summary>
    private const string Server = """
        import http.server, os, signal, threading, time
        NAME, REVISION = os.environ["HOSTNAME"], os.environ["REVISION"]
        started, draining = time.monotonic(), threading.Event()
        def state():
            if draining.is_set(): return "draining"
            return "warming" if time.monotonic() - started < 1.0 else "serving"
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                now = state()
                body = f"{NAME} {REVISION} {now}\n".encode()
                self.send_response(503 if self.path == "/ready" and now != "serving" else 200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args): pass
        server = http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler)
        def on_term(*_):
            draining.set()
            threading.Timer(1.5, server.shutdown).start()
        signal.signal(signal.SIGTERM, on_term)
        print(f"serving {NAME} revision {REVISION}", flush=True)
        server.serve_forever()
        """;

    [Fact]
    public async Task RollingUpdate_Should_ServeOnlyFromReadyPodsWithinSurgeAndUnavailability_When_TheTemplateChanges()
    {
        var (store, client) = (fixture.Cluster.Store, fixture.Client);
        using var history = new StoreHistory(store, Ns);
        await client.CoreV1.CreateNamespacedServiceAsync(Service(), Ns);
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment(revision: "1"), Ns);
        await UntilAsync(() => fixture.Proxy.Resolve(Ns, App, 80) is not null, "the service proxy serves the Service");
        var address = fixture.Proxy.Resolve(Ns, App, 80)!;

        // From before any pod is ready: the first requests must find nothing to talk to.
        await using var traffic = new ServiceClientLoop(store, address);
        await UntilAsync(() => RolledOut(store, "1"), "revision 1 is rolled out and in the Endpoints");
        var firstRolledOut = store.CurrentResourceVersion;
        await traffic.MoreAsync(10);

        using var census = new PodCensus(store, App);
        var deployment = await client.AppsV1.ReadNamespacedDeploymentAsync(App, Ns);
        deployment.Spec.Template.Spec.Containers[0].Env[0].Value = "2";
        await client.AppsV1.ReplaceNamespacedDeploymentAsync(deployment, App, Ns);
        await UntilAsync(() => RolledOut(store, "2"), "revision 2 is rolled out and in the Endpoints");
        await traffic.MoreAsync(10);
        await traffic.StopAsync();

        AssertTraffic(traffic.Requests, history, firstRolledOut);
        AssertBounds(census.Counts);
        AssertEndpointsFollowReadiness(history);
    }

    /// <summary>Responses only from pods that were Ready and not yet being deleted; failures only while nothing was ready.</summary>
    private static void AssertTraffic(IReadOnlyList<ServiceRequest> requests, StoreHistory history, long firstRolledOut)
    {
        var answered = requests.Where(r => r.Answer is not null).ToList();
        Assert.All(requests, r => Assert.True(r.Status is null or 200, $"HTTP {r.Status}: {r.Body}"));
        Assert.All(answered, r =>
        {
            var (pod, _, state) = r.Answer!.Value;
            Assert.True(state != "warming", $"{pod} answered before its readiness probe could pass (request at rv {r.Before})");
            Assert.True(history.FirstReady(pod) <= r.After, $"{pod} answered though it was never stored Ready (request at rv {r.Before}-{r.After})");
            Assert.False(history.Deletion(pod) <= r.Before, $"{pod} ({state}) answered a request sent after its deletion (rv {history.Deletion(pod)}) was stored (rv {r.Before})");
        });

        // Before the first pod was ready, connections were closed without an answer; once revision 1 was up, never.
        var firstReady = history.PodEvents.Where(e => StoreHistory.IsReady(e.Object)).Min(e => e.ResourceVersion);
        Assert.Contains(requests, r => r.Status is null && r.After < firstReady);
        Assert.All(requests.Where(r => r.Before >= firstRolledOut), r => Assert.True(r.Status == 200, $"request at rv {r.Before} failed: {r.Error}"));

        // The client saw the switch: both revisions answered during the rollout, and revision 2 at the end.
        var during = answered.Where(r => r.Before >= firstRolledOut).Select(r => r.Answer!.Value.Revision).ToList();
        Assert.Contains("1", during);
        Assert.Contains("2", during);
        Assert.Equal("2", during[^1]);
        Assert.True(answered.Select(r => r.Answer!.Value.Pod).Distinct().Count() >= Replicas + 1, "the proxy balanced over the pods");
    }

    /// <summary>maxSurge and maxUnavailable held after every single change of the pods.</summary>
    private static void AssertBounds(IReadOnlyList<PodCount> counts)
    {
        Assert.All(counts, c => Assert.True(c.Live <= Replicas + MaxSurge, $"{c.Live} live pods at rv {c.ResourceVersion}"));
        Assert.All(counts, c => Assert.True(c.Available >= Replicas - MaxUnavailable, $"{c.Available} available pods at rv {c.ResourceVersion}"));
        Assert.Equal(Replicas + MaxSurge, counts.Max(c => c.Live));
    }

    /// <summary>
    /// Every Endpoints version lists as ready only pods that were stored Ready by then; every pod that was Ready
    /// while not being deleted was listed at some point; a deleted pod leaves and does not come back; at the end,
    /// exactly the new revision's pods.
    /// </summary>
    private static void AssertEndpointsFollowReadiness(StoreHistory history)
    {
        var versions = history.EndpointEvents.Where(e => e.Object.Name() == App && e.Type != WatchEventType.Deleted).ToList();
        var pods = history.Pods(p => p.Labels().GetValueOrDefault("app") == App);
        Assert.All(versions, e => Assert.All(StoreHistory.ReadyPods(e.Object), pod =>
            Assert.True(history.FirstReady(pod) <= e.ResourceVersion, $"Endpoints at rv {e.ResourceVersion} list {pod} as ready before it was")));
        foreach (var pod in pods.Keys.Where(p => history.FirstReady(p) < (history.Deletion(p) ?? long.MaxValue)))
        {
            Assert.Contains(versions, e => StoreHistory.ReadyPods(e.Object).Contains(pod));
        }

        foreach (var (pod, deleted) in pods.Keys.Select(p => (p, history.Deletion(p))).Where(x => x.Item2 is not null))
        {
            var left = versions.FirstOrDefault(e => e.ResourceVersion > deleted && !StoreHistory.ReadyPods(e.Object).Contains(pod));
            Assert.True(left is not null, $"{pod} stayed in the Endpoints after its deletion at rv {deleted}");
            Assert.DoesNotContain(versions, e => e.ResourceVersion > left.ResourceVersion && StoreHistory.ReadyPods(e.Object).Contains(pod));
        }

        var final = versions[^1].Object;
        var current = pods.Values.Where(p => !p.IsDeleting() && Revision(p) == "2").Select(p => p.Name()).Order().ToList();
        Assert.Equal(Replicas, current.Count);
        Assert.Equal(current, StoreHistory.ReadyPods(final).Order().ToList());
        Assert.Empty(StoreHistory.NotReadyPods(final));
    }

    /// <summary>The revision's pods are all Ready, the old ones gone, and the Endpoints list exactly them.</summary>
    private static bool RolledOut(ObjectStore store, string revision)
    {
        var deployment = store.Get(BuiltInTypes.Deployments, Ns, App);
        var pods = store.List(BuiltInTypes.Pods, Ns).Items.Where(p => p.Labels().GetValueOrDefault("app") == App).ToList();
        var ready = pods.Where(p => Revision(p) == revision && StoreHistory.IsReady(p) && !p.IsDeleting()).Select(p => p.Name()).Order().ToList();
        var endpoints = store.Get(BuiltInTypes.Endpoints, Ns, App);
        return deployment is not null && ClusterQueries.RolledOut(deployment) && pods.Count == Replicas && ready.Count == Replicas &&
               endpoints is not null && StoreHistory.ReadyPods(endpoints).Order().SequenceEqual(ready);
    }

    private static string? Revision(System.Text.Json.Nodes.JsonObject pod) =>
        (string?)pod["spec"]?["containers"]?[0]?["env"]?[0]?["value"];

    private static V1Service Service() => new()
    {
        Metadata = new V1ObjectMeta { Name = App },
        Spec = new V1ServiceSpec
        {
            Selector = new Dictionary<string, string> { ["app"] = App },
            Ports = [new V1ServicePort { Port = 80, TargetPort = 8080 }],
        },
    };

    private static V1Deployment Deployment(string revision) => new()
    {
        Metadata = new V1ObjectMeta { Name = App, Labels = new Dictionary<string, string> { ["app"] = App } },
        Spec = new V1DeploymentSpec
        {
            Replicas = Replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = App } },
            Strategy = new V1DeploymentStrategy
            {
                Type = "RollingUpdate",
                RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = MaxSurge, MaxUnavailable = MaxUnavailable },
            },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = App } },
                Spec = new V1PodSpec
                {
                    TerminationGracePeriodSeconds = 5,
                    Containers =
                    [
                        new V1Container
                        {
                            Name = "server", Image = "python:3.11", Command = ["python3", "-c", Server],
                            Env = [new V1EnvVar { Name = "REVISION", Value = revision }],
                            Ports = [new V1ContainerPort { ContainerPort = 8080 }],
                            ReadinessProbe = new V1Probe
                            {
                                HttpGet = new V1HTTPGetAction { Path = "/ready", Port = 8080 }, PeriodSeconds = 1, TimeoutSeconds = 5,
                            },
                        },
                    ],
                },
            },
        },
    };

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(50);
        }
    }
}
