using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Admission;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api.Defaulting;

/// <summary>
/// The defaults kube-apiserver fills into built-in kinds on every write (k8s.io/api SetObjectDefaults):
/// a Deployment's RollingUpdate strategy with 25% surge and unavailability, revision history and
/// progress deadline; pod specs' restart and DNS policies, grace period and scheduler; containers'
/// pull policy, termination message settings and port protocols; Service type and ports. Controllers
/// and kubectl read these fields (rollout status, describe), and an operator comparing its desired
/// objects with stored ones must cope with them, as on a real cluster. Runs first among the mutating
/// plugins, as decoding does in kube-apiserver.
/// </summary>
public sealed class BuiltInDefaults : IAdmissionPlugin
{
    public bool Mutates => true;

    public Task<AdmissionOutcome> AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        if (request.Object is null || request.SubResource is not null) return Task.FromResult(AdmissionOutcome.Unchanged(request));
        var obj = (JsonObject)request.Object.DeepClone();
        switch (request.Type.GroupResource)
        {
            case "pods":
                PodSpec(Child(obj, "spec"));
                break;
            case "deployments.apps":
                Deployment(Child(obj, "spec"));
                break;
            case "replicasets.apps":
                var spec = Child(obj, "spec");
                Set(spec, "replicas", 1);
                PodSpec(Child(Child(spec, "template"), "spec"));
                break;
            case "services":
                Service(Child(obj, "spec"));
                break;
            case "secrets":
                Set(obj, "type", "Opaque");
                MergeStringData(obj);
                break;
        }

        return Task.FromResult(new AdmissionOutcome(obj, []));
    }

    /// <summary>
    /// A Secret's write-only stringData goes into data, base64-encoded, overwriting a key of the same name, and is not
    /// stored (kube-apiserver's Secret conversion does this): readers, the kubelet included, only ever see data.
    /// </summary>
    private static void MergeStringData(JsonObject secret)
    {
        if (secret["stringData"] is not JsonObject strings) return;
        var data = Child(secret, "data");
        foreach (var (key, value) in strings)
            data[key] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(value?.GetValue<string>() ?? ""));
        secret.Remove("stringData");
    }

    private static void Deployment(JsonObject spec)
    {
        Set(spec, "replicas", 1);
        Set(spec, "revisionHistoryLimit", 10);
        Set(spec, "progressDeadlineSeconds", 600);
        var strategy = Child(spec, "strategy");
        Set(strategy, "type", "RollingUpdate");
        if ((string?)strategy["type"] == "RollingUpdate")
        {
            var rolling = Child(strategy, "rollingUpdate");
            Set(rolling, "maxUnavailable", "25%");
            Set(rolling, "maxSurge", "25%");
        }

        PodSpec(Child(Child(spec, "template"), "spec"));
    }

    private static void PodSpec(JsonObject spec)
    {
        Set(spec, "restartPolicy", "Always");
        Set(spec, "dnsPolicy", "ClusterFirst");
        Set(spec, "schedulerName", "default-scheduler");
        Set(spec, "terminationGracePeriodSeconds", 30);
        Set(spec, "enableServiceLinks", true);
        if (spec["securityContext"] is null) spec["securityContext"] = new JsonObject();
        foreach (var list in new[] { "containers", "initContainers" })
        {
            foreach (var container in (spec[list] as JsonArray ?? []).OfType<JsonObject>()) Container(container);
        }
    }

    private static void Container(JsonObject container)
    {
        Set(container, "terminationMessagePath", "/dev/termination-log");
        Set(container, "terminationMessagePolicy", "File");
        Set(container, "imagePullPolicy", PullPolicy((string?)(container["image"] as JsonValue) ?? ""));
        if (container["resources"] is null) container["resources"] = new JsonObject();
        foreach (var port in (container["ports"] as JsonArray ?? []).OfType<JsonObject>()) Set(port, "protocol", "TCP");
        foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
        {
            if (container[probe] is not JsonObject check) continue;
            Set(check, "timeoutSeconds", 1);
            Set(check, "periodSeconds", 10);
            Set(check, "successThreshold", 1);
            Set(check, "failureThreshold", 3);
            if (check["httpGet"] is JsonObject http) Set(http, "scheme", "HTTP");
        }
    }

    private static void Service(JsonObject spec)
    {
        Set(spec, "type", "ClusterIP");
        Set(spec, "sessionAffinity", "None");
        Set(spec, "internalTrafficPolicy", "Cluster");
        foreach (var port in (spec["ports"] as JsonArray ?? []).OfType<JsonObject>())
        {
            Set(port, "protocol", "TCP");
            if (port["targetPort"] is null && port["port"] is { } number) port["targetPort"] = number.DeepClone();
        }
    }

    /// <summary>"Always" for :latest or untagged images, else "IfNotPresent" (pkg/apis/core/v1/defaults.go).</summary>
    private static string PullPolicy(string image)
    {
        if (image.Contains('@')) return "IfNotPresent";
        var lastSlash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        var tag = colon > lastSlash ? image[(colon + 1)..] : "";
        return tag is "" or "latest" ? "Always" : "IfNotPresent";
    }

    private static JsonObject Child(JsonObject parent, string name)
    {
        if (parent[name] is JsonObject child) return child;
        var created = new JsonObject();
        parent[name] = created;
        return created;
    }

    private static void Set(JsonObject obj, string name, JsonNode value)
    {
        if (obj[name] is null) obj[name] = value;
    }
}
