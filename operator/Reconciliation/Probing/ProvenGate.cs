using System.Text.Json.Nodes;
using k8s.Models;
using LlmOperator.Operator.Entities;

namespace LlmOperator.Operator.Reconciliation.Probing;

/// <summary>
/// The pod readiness gate that keeps Service traffic off an engine pod until the long-context probe went through it.
/// The pod template lists it in <c>spec.readinessGates</c>; the kubelet then reports the pod Ready only when its
/// containers are ready AND this condition is True (KEP-580), so the Endpoints controller, kube-proxy and the
/// Deployment controller's availability all wait for the proof. The operator sets the condition with a strategic
/// merge patch of <c>pods/status</c> (merging <c>conditions</c> by type, so the kubelet's own conditions stay).
/// The condition on the pod is also the durable record that a pod was proven: a restarted operator or a new leader
/// does not probe it again.
/// </summary>
public static class ProvenGate
{
    /// <summary>A domain-prefixed condition type, as custom readiness gates are named (KEP-580).</summary>
    public const string ConditionType = V1Alpha1ModelDeployment.Group + "/proven";

    public const string ProvenReason = "LongContextProbeSucceeded";

    public static V1PodReadinessGate Gate => new() { ConditionType = ConditionType };

    /// <summary>Whether the operator has proven the pod (its condition is True).</summary>
    public static bool IsProven(V1Pod pod) =>
        pod.Status?.Conditions?.Any(c => c.Type == ConditionType && c.Status == "True") == true;

    /// <summary>Whether the pod's containers are all ready: what the probe waits for (the pod itself is Ready only after it).</summary>
    public static bool ContainersReady(V1Pod pod)
    {
        var condition = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "ContainersReady");
        if (condition is not null) return condition.Status == "True";
        return pod.Status?.ContainerStatuses is { Count: > 0 } statuses && statuses.All(s => s.Ready);
    }

    /// <summary>The strategic merge patch of pods/status that sets the condition True.</summary>
    public static string ProvenPatch(string detail, DateTime now) => new JsonObject
    {
        ["status"] = new JsonObject
        {
            ["conditions"] = new JsonArray(new JsonObject
            {
                ["type"] = ConditionType,
                ["status"] = "True",
                ["reason"] = ProvenReason,
                ["message"] = detail,
                ["lastTransitionTime"] = now.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            }),
        },
    }.ToJsonString();
}
