using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;

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
        var state = new PodState(JsonRead.Str(pod, "status", "reason") ?? JsonRead.Str(pod, "status", "phase") ?? "");
        if (JsonRead.Objects(pod, "status", "conditions").Any(c =>
                JsonRead.Str(c, "type") == "PodScheduled" && JsonRead.Str(c, "reason") == "SchedulingGated"))
        {
            state.Reason = "SchedulingGated";
        }

        var initializing = ReadInitContainers(pod, state);
        if (!initializing) ReadContainers(pod, state);

        var phase = JsonRead.Str(pod, "status", "phase");
        if (JsonRead.Str(pod, "metadata", "deletionTimestamp") is not null)
        {
            state.Reason = JsonRead.Str(pod, "status", "reason") == "NodeLost" ? "Unknown"
                : phase is "Succeeded" or "Failed" ? state.Reason : "Terminating";
        }

        var restarts = state.Restarts.ToString();
        if (state.Restarts != 0 && state.LastRestart is { } last)
        {
            restarts = $"{state.Restarts} ({HumanDuration.Format(now - last)} ago)";
        }

        var total = JsonRead.Count(pod, "spec", "containers");
        return
        [
            JsonRead.Str(pod, "metadata", "name"),
            $"{state.Ready}/{total}",
            state.Reason,
            restarts,
            HumanDuration.Since(JsonRead.Str(pod, "metadata", "creationTimestamp"), now),
            JsonRead.Objects(pod, "status", "podIPs").Select(ip => JsonRead.Str(ip, "ip")).FirstOrDefault(ip => !string.IsNullOrEmpty(ip))
                ?? NoneIfEmpty(JsonRead.Str(pod, "status", "podIP")),
            NoneIfEmpty(JsonRead.Str(pod, "spec", "nodeName")),
            NoneIfEmpty(JsonRead.Str(pod, "status", "nominatedNodeName")),
            ReadinessGates(pod),
        ];
    }

    /// <summary>Init containers run first; while one has not succeeded, STATUS is "Init:..." and the rest is not read.</summary>
    private static bool ReadInitContainers(JsonObject pod, PodState state)
    {
        var statuses = JsonRead.Objects(pod, "status", "initContainerStatuses").ToList();
        var declared = JsonRead.Count(pod, "spec", "initContainers");
        for (var i = 0; i < statuses.Count; i++)
        {
            var container = statuses[i];
            state.CountRestarts(container);
            var terminated = JsonRead.At(container, "state", "terminated");
            var waiting = JsonRead.Str(container, "state", "waiting", "reason");
            if (terminated is not null && JsonRead.Int(terminated, "exitCode") == 0) continue;
            state.Reason = terminated is not null ? "Init:" + TerminatedReason(terminated)
                : !string.IsNullOrEmpty(waiting) && waiting != "PodInitializing" ? "Init:" + waiting
                : $"Init:{i}/{declared}";
            return !JsonRead.Objects(pod, "status", "conditions").Any(c =>
                JsonRead.Str(c, "type") == "Initialized" && JsonRead.Str(c, "status") == "True");
        }

        return false;
    }

    private static void ReadContainers(JsonObject pod, PodState state)
    {
        var hasRunning = false;
        var statuses = JsonRead.Objects(pod, "status", "containerStatuses").ToList();
        for (var i = statuses.Count - 1; i >= 0; i--)
        {
            var container = statuses[i];
            state.CountRestarts(container);
            var waiting = JsonRead.Str(container, "state", "waiting", "reason");
            var terminated = JsonRead.At(container, "state", "terminated");
            if (!string.IsNullOrEmpty(waiting)) state.Reason = waiting;
            else if (terminated is not null) state.Reason = TerminatedReason(terminated);
            else if (JsonRead.Bool(container, "ready") && JsonRead.At(container, "state", "running") is not null)
            {
                hasRunning = true;
                state.Ready++;
            }
        }

        // A finished container beside a running one: the pod as a whole still runs.
        if (state.Reason == "Completed" && hasRunning)
        {
            state.Reason = JsonRead.Objects(pod, "status", "conditions").Any(c =>
                JsonRead.Str(c, "type") == "Ready" && JsonRead.Str(c, "status") == "True") ? "Running" : "NotReady";
        }
    }

    private static string TerminatedReason(JsonNode terminated) =>
        JsonRead.Str(terminated, "reason") is { Length: > 0 } reason ? reason
        : JsonRead.Int(terminated, "signal") != 0 ? $"Signal:{JsonRead.Int(terminated, "signal")}"
        : $"ExitCode:{JsonRead.Int(terminated, "exitCode")}";

    private static string ReadinessGates(JsonObject pod)
    {
        var gates = JsonRead.Objects(pod, "spec", "readinessGates").Select(g => JsonRead.Str(g, "conditionType")).ToList();
        if (gates.Count == 0) return "<none>";
        var met = gates.Count(gate => JsonRead.Objects(pod, "status", "conditions").Any(c =>
            JsonRead.Str(c, "type") == gate && JsonRead.Str(c, "status") == "True"));
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
            Restarts += JsonRead.Int(container, "restartCount");
            if (JsonRead.Str(container, "lastState", "terminated", "finishedAt") is { } finished &&
                DateTimeOffset.TryParse(finished, System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AssumeUniversal, out var at) &&
                (LastRestart is null || at > LastRestart))
            {
                LastRestart = at;
            }
        }
    }
}
