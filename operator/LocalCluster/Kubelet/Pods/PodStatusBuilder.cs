using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using LlmOperator.LocalCluster.Scheduling;

namespace LlmOperator.LocalCluster.Kubelet.Pods;

/// <summary>
/// The pod status the kubelet reports, from its container records: the phase by the kubelet's getPhase rules,
/// the conditions it owns (PodReadyToStartContainers, Initialized, ContainersReady, Ready) and the container
/// statuses; the loopback address as podIP and hostIP. Conditions owned by others (PodScheduled, readiness-gate
/// conditions) are kept, and Ready needs every readiness gate's condition True as well as ready containers.
/// </summary>
internal static class PodStatusBuilder
{
    public const string LoopbackIp = "127.0.0.1";

    /// <summary>Writes the kubelet's part of the status into a stored pod; true when anything changed.</summary>
    public static bool Apply(
        JsonObject pod, IReadOnlyList<V1ContainerStatus> init, IReadOnlyList<V1ContainerStatus> containers, string? restartPolicy, bool sandboxReady, DateTime now)
    {
        var before = pod["status"]?.DeepClone();
        var status = pod["status"] as JsonObject ?? (JsonObject)(pod["status"] = new JsonObject());
        var phase = Phase(init, containers, restartPolicy);
        status["phase"] = phase;
        status["hostIP"] = LoopbackIp;
        status["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = LoopbackIp });
        status["podIP"] = LoopbackIp;
        status["podIPs"] = new JsonArray(new JsonObject { ["ip"] = LoopbackIp });
        status["startTime"] ??= Timestamp(now);
        status["containerStatuses"] = JsonNode.Parse(KubernetesJson.Serialize(containers));
        if (init.Count > 0) status["initContainerStatuses"] = JsonNode.Parse(KubernetesJson.Serialize(init));
        var incomplete = init.Where(c => c.State?.Terminated?.ExitCode != 0).Select(c => c.Name).ToList();

        var unready = containers.Where(c => !c.Ready).Select(c => c.Name).ToList();
        var completed = phase is "Succeeded" or "Failed";
        var (reason, message) = completed
            ? ("PodCompleted", (string?)null)
            : unready.Count > 0 ? ("ContainersNotReady", $"containers with unready status: [{string.Join(" ", unready)}]") : (null, null);
        PodConditions.Set(status, "PodReadyToStartContainers", sandboxReady, null, null, now);
        if (incomplete.Count > 0)
        {
            PodConditions.Set(status, "Initialized", false, "ContainersNotInitialized", $"containers with incomplete status: [{string.Join(" ", incomplete)}]", now);
        }
        else
        {
            PodConditions.Set(status, "Initialized", true, completed ? "PodCompleted" : null, null, now);
        }

        var containersReady = unready.Count == 0 && !completed;
        PodConditions.Set(status, "ContainersReady", containersReady, reason, message, now);
        var gates = containersReady ? UnmetReadinessGates(pod) : null;
        if (gates is not null) (reason, message) = ("ReadinessGatesNotReady", gates);
        PodConditions.Set(status, "Ready", containersReady && gates is null, reason, message, now);
        return !JsonNode.DeepEquals(before, status);
    }

    /// <summary>
    /// kubelet GeneratePodReadyCondition: with <c>spec.readinessGates</c> a pod is Ready only when every gate's
    /// condition (set in the status by another controller, kept by the kubelet) is True. Null when all are met,
    /// else the kubelet's message for the unmet ones.
    /// </summary>
    public static string? UnmetReadinessGates(JsonObject pod)
    {
        var unmet = new List<string>();
        foreach (var gate in (pod["spec"]?["readinessGates"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var type = (string?)gate["conditionType"] ?? "";
            var value = PodConditions.Status(pod, type);
            if (value is null) unmet.Add($"corresponding condition of pod readiness gate \"{type}\" does not exist.");
            else if (value != "True") unmet.Add($"the status of pod readiness gate \"{type}\" is not \"True\", but {value}");
        }

        return unmet.Count == 0 ? null : string.Join(", ", unmet);
    }

    /// <summary>
    /// kubelet getPhase: Pending while init containers have not all succeeded (Failed when one failed under
    /// restartPolicy Never) or a container has not run yet; Running while one runs or will restart;
    /// otherwise Succeeded when every container exited 0, else Failed.
    /// </summary>
    public static string Phase(IReadOnlyList<V1ContainerStatus> init, IReadOnlyList<V1ContainerStatus> containers, string? restartPolicy)
    {
        foreach (var c in init)
        {
            if (c.State?.Terminated?.ExitCode == 0) continue;
            return restartPolicy == "Never" && c.State?.Terminated is not null ? "Failed" : "Pending";
        }

        int running = 0, waiting = 0, stopped = 0, succeeded = 0;
        foreach (var c in containers)
        {
            if (c.State?.Running is not null) running++;
            else if (c.State?.Terminated is { } t)
            {
                stopped++;
                if (t.ExitCode == 0) succeeded++;
            }
            else if (c.LastState?.Terminated is not null) stopped++;
            else waiting++;
        }

        if (waiting > 0) return "Pending";
        if (running > 0) return "Running";
        if (stopped == 0) return "Pending";
        return restartPolicy switch
        {
            "Never" => stopped == succeeded ? "Succeeded" : "Failed",
            "OnFailure" when stopped > succeeded => "Running",
            "OnFailure" => "Succeeded",
            _ => "Running",
        };
    }

    private static string Timestamp(DateTime now) => now.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ");
}
