using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Controllers.Objects;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Tests.Controllers.Support;

/// <summary>
/// Stands in for the kubelet in controller tests: every new pod is marked Running with podIP
/// 127.0.0.1 and, unless <see cref="BecomesReady"/> says otherwise, Ready (with lastTransitionTime from
/// the cluster clock). Optionally allocates host ports as the real kubelet records them. No processes.
/// </summary>
internal sealed class SimulatedKubelet(ObjectStore store, TimeProvider clock) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private int _nextHostPort = 30000;

    /// <summary>Decides, per new pod, whether it turns Ready (e.g. false for a "broken" image).</summary>
    public Func<JsonObject, bool> BecomesReady { get; set; } = _ => true;

    /// <summary>Writes the localcluster.llmoperator.dev/port-N annotations for every container port.</summary>
    public bool AssignHostPorts { get; set; }

    public void Start() => _loop = Task.Run(WatchAsync);

    /// <summary>Lists and watches pods; when the store cuts the watch (fault injection), lists again.</summary>
    private async Task WatchAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var (pods, watch) = store.ListAndWatch(BuiltInTypes.Pods, null);
            using (watch)
            {
                foreach (var pod in pods) Run(pod.Namespace(), pod.Name());
                await foreach (var change in watch.Events.ReadAllAsync(_stop.Token))
                {
                    if (change.Type == WatchEventType.Added) Run(change.Object.Namespace(), change.Object.Name());
                }
            }
        }
    }

    /// <summary>Flips a pod's Ready condition, as a readiness probe would.</summary>
    public void SetReady(string ns, string name, bool ready) => Edit(ns, name, pod =>
    {
        pod["status"]!["conditions"] = Conditions(ready);
        var statuses = pod["status"]!["containerStatuses"] as JsonArray ?? [];
        foreach (var status in statuses.OfType<JsonObject>()) status["ready"] = ready;
    });

    /// <summary>Ends a pod (restartPolicy Never): phase Failed, not ready.</summary>
    public void Fail(string ns, string name) => Edit(ns, name, pod =>
    {
        pod["status"]!["phase"] = "Failed";
        pod["status"]!["conditions"] = Conditions(false);
    });

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private void Run(string? ns, string name)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                Start(ns, name);
                return;
            }
            catch (ApiError e) when (e.Code is 409 or 404)
            {
                // Changed meanwhile (e.g. adopted) or deleted: read it again.
            }
        }
    }

    private void Start(string? ns, string name)
    {
        var pod = store.Get(BuiltInTypes.Pods, ns, name);
        if (pod is null || pod["status"]?["phase"] is not null) return;
        if (AssignHostPorts) pod = AnnotateHostPorts(pod);
        var ready = BecomesReady(pod);
        var containers = (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>();
        pod["status"] = new JsonObject
        {
            ["phase"] = "Running",
            ["podIP"] = "127.0.0.1",
            ["hostIP"] = "127.0.0.1",
            ["startTime"] = Now(),
            ["conditions"] = Conditions(ready),
            ["containerStatuses"] = new JsonArray(containers.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c["name"]?.DeepClone(), ["image"] = c["image"]?.DeepClone(), ["ready"] = ready, ["restartCount"] = 0,
                ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = Now() } },
            }).ToArray()),
        };
        store.Update(BuiltInTypes.Pods, pod, ObjectStore.UpdateScope.Status);
    }

    private JsonObject AnnotateHostPorts(JsonObject pod)
    {
        var ports = (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>()
            .SelectMany(c => (c["ports"] as JsonArray ?? []).OfType<JsonObject>())
            .Select(p => (int?)p["containerPort"]).OfType<int>();
        foreach (var port in ports) pod.SetAnnotation($"localcluster.llmoperator.dev/port-{port}", Interlocked.Increment(ref _nextHostPort).ToString());
        return store.Update(BuiltInTypes.Pods, pod);
    }

    private void Edit(string ns, string name, Action<JsonObject> change)
    {
        var pod = store.Get(BuiltInTypes.Pods, ns, name) ?? throw new InvalidOperationException($"no pod {ns}/{name}");
        change(pod);
        store.Update(BuiltInTypes.Pods, pod, ObjectStore.UpdateScope.Status);
    }

    private JsonArray Conditions(bool ready) =>
    [
        new JsonObject { ["type"] = "PodScheduled", ["status"] = "True", ["lastTransitionTime"] = Now() },
        new JsonObject { ["type"] = "ContainersReady", ["status"] = ready ? "True" : "False", ["lastTransitionTime"] = Now() },
        new JsonObject { ["type"] = "Ready", ["status"] = ready ? "True" : "False", ["lastTransitionTime"] = Now() },
    ];

    private string Now() => clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ");
}
