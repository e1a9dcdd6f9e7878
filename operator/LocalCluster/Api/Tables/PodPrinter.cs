using System.Text.Json.Nodes;

namespace LlmOperator.LocalCluster.Api.Tables;

/// <summary>
/// <c>kubectl get pods</c> columns, ported from kube-apiserver's printPod: the STATUS column is not the
/// phase but the most telling container reason (CrashLoopBackOff, ContainerCreating, Init:0/1,
/// ExitCode:1, Terminating), and RESTARTS carries "(5m ago)" after the last restart.
/// </summary>
internal static class PodPrinter
{
    public static TablePrinter Printer { get; } = new(
    [
        TableColumn.NameColumn,
        new("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
        new("Status", "string", "The aggregate status of the containers in this pod."),
        new("Restarts", "string", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
        TableColumn.AgeColumn,
        new("IP", "string", "IP address allocated to the pod. Routable at least within the cluster.", Priority: 1),
        new("Node", "string", "NodeName indicates in which node this pod is scheduled.", Priority: 1),
        new("Nominated Node", "string", "nominatedNodeName is set only when this pod preempts other pods on the node.", Priority: 1),
        new("Readiness Gates", "string", "If specified, all readiness gates will be evaluated for pod readiness.", Priority: 1),
    ], Cells);

    private static JsonNode?[] Cells(JsonObject pod, DateTimeOffset now)
    {
        var state = new PodState(Json.Str(pod, "status", "reason") ?? Json.Str(pod, "status", "phase") ?? "");
        if (Json.Objects(pod, "status", "conditions").Any(c =>
                Json.Str(c, "type") == "PodScheduled" && Json.Str(c, "reason") == "SchedulingGated"))
        {
            state.Reason = "SchedulingGated";
        }

        var initializing = ReadInitContainers(pod, state);
        if (!initializing) ReadContainers(pod, state);

        var phase = Json.Str(pod, "status", "phase");
        if (Json.Str(pod, "metadata", "deletionTimestamp") is not null)
        {
            state.Reason = Json.Str(pod, "status", "reason") == "NodeLost" ? "Unknown"
                : phase is "Succeeded" or "Failed" ? state.Reason : "Terminating";
        }

        var restarts = state.Restarts.ToString();
        if (state.Restarts != 0 && state.LastRestart is { } last)
        {
            restarts = $"{state.Restarts} ({HumanDuration.Format(now - last)} ago)";
        }

        var total = Json.Count(pod, "spec", "containers");
        return
        [
            Json.Str(pod, "metadata", "name"),
            $"{state.Ready}/{total}",
            state.Reason,
            restarts,
            HumanDuration.Since(Json.Str(pod, "metadata", "creationTimestamp"), now),
            Json.Objects(pod, "status", "podIPs").Select(ip => Json.Str(ip, "ip")).FirstOrDefault(ip => !string.IsNullOrEmpty(ip))
                ?? NoneIfEmpty(Json.Str(pod, "status", "podIP")),
            NoneIfEmpty(Json.Str(pod, "spec", "nodeName")),
            NoneIfEmpty(Json.Str(pod, "status", "nominatedNodeName")),
            ReadinessGates(pod),
        ];
    }

    /// <summary>Init containers run first; while one has not succeeded, STATUS is "Init:..." and the rest is not read.</summary>
    private static bool ReadInitContainers(JsonObject pod, PodState state)
    {
        var statuses = Json.Objects(pod, "status", "initContainerStatuses").ToList();
        var declared = Json.Count(pod, "spec", "initContainers");
        for (var i = 0; i < statuses.Count; i++)
        {
            var container = statuses[i];
            state.CountRestarts(container);
            var terminated = Json.At(container, "state", "terminated");
            var waiting = Json.Str(container, "state", "waiting", "reason");
            if (terminated is not null && Json.Int(terminated, "exitCode") == 0) continue;
            state.Reason = terminated is not null ? "Init:" + TerminatedReason(terminated)
                : !string.IsNullOrEmpty(waiting) && waiting != "PodInitializing" ? "Init:" + waiting
                : $"Init:{i}/{declared}";
            return !Json.Objects(pod, "status", "conditions").Any(c =>
                Json.Str(c, "type") == "Initialized" && Json.Str(c, "status") == "True");
        }

        return false;
    }

    private static void ReadContainers(JsonObject pod, PodState state)
    {
        var hasRunning = false;
        var statuses = Json.Objects(pod, "status", "containerStatuses").ToList();
        for (var i = statuses.Count - 1; i >= 0; i--)
        {
            var container = statuses[i];
            state.CountRestarts(container);
            var waiting = Json.Str(container, "state", "waiting", "reason");
            var terminated = Json.At(container, "state", "terminated");
            if (!string.IsNullOrEmpty(waiting)) state.Reason = waiting;
            else if (terminated is not null) state.Reason = TerminatedReason(terminated);
            else if (Json.Bool(container, "ready") && Json.At(container, "state", "running") is not null)
            {
                hasRunning = true;
                state.Ready++;
            }
        }

        // A finished container beside a running one: the pod as a whole still runs.
        if (state.Reason == "Completed" && hasRunning)
        {
            state.Reason = Json.Objects(pod, "status", "conditions").Any(c =>
                Json.Str(c, "type") == "Ready" && Json.Str(c, "status") == "True") ? "Running" : "NotReady";
        }
    }

    private static string TerminatedReason(JsonNode terminated) =>
        Json.Str(terminated, "reason") is { Length: > 0 } reason ? reason
        : Json.Int(terminated, "signal") != 0 ? $"Signal:{Json.Int(terminated, "signal")}"
        : $"ExitCode:{Json.Int(terminated, "exitCode")}";

    private static string ReadinessGates(JsonObject pod)
    {
        var gates = Json.Objects(pod, "spec", "readinessGates").Select(g => Json.Str(g, "conditionType")).ToList();
        if (gates.Count == 0) return "<none>";
        var met = gates.Count(gate => Json.Objects(pod, "status", "conditions").Any(c =>
            Json.Str(c, "type") == gate && Json.Str(c, "status") == "True"));
        return $"{met}/{gates.Count}";
    }

    private static string NoneIfEmpty(string? value) => string.IsNullOrEmpty(value) ? "<none>" : value;

    private sealed class PodState(string reason)
    {
        public string Reason { get; set; } = reason;

        public int Ready { get; set; }

        public long Restarts { get; private set; }

        public DateTimeOffset? LastRestart { get; private set; }

        public void CountRestarts(JsonObject container)
        {
            Restarts += Json.Int(container, "restartCount");
            if (Json.Str(container, "lastState", "terminated", "finishedAt") is { } finished &&
                DateTimeOffset.TryParse(finished, System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AssumeUniversal, out var at) &&
                (LastRestart is null || at > LastRestart))
            {
                LastRestart = at;
            }
        }
    }
}
