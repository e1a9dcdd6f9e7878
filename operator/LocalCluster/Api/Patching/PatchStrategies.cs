namespace LlmOperator.LocalCluster.Api.Patching;

/// <summary>How strategic merge treats one list field.</summary>
/// <param name="MergeKey">Element field that identifies an element (containers by name), or null.</param>
/// <param name="MergePrimitives">A list of scalars merged as a set (metadata.finalizers).</param>
public sealed record ListStrategy(string? MergeKey, bool MergePrimitives = false);

/// <summary>
/// The <c>patchStrategy:"merge"</c> / <c>patchMergeKey</c> struct tags of the Kubernetes built-in
/// types (k8s.io/api core/v1, apps/v1, meta/v1) that strategic merge patches depend on. Lists not
/// named here are atomic: a patch replaces them whole, as in the real types.
/// </summary>
public static class PatchStrategies
{
    private static readonly Dictionary<string, string> KeyByField = new()
    {
        ["containers"] = "name",
        ["initContainers"] = "name",
        ["ephemeralContainers"] = "name",
        ["env"] = "name",
        ["volumes"] = "name",
        ["volumeMounts"] = "mountPath",
        ["volumeDevices"] = "devicePath",
        ["imagePullSecrets"] = "name",
        ["hostAliases"] = "ip",
        ["conditions"] = "type",
        ["addresses"] = "type",
        ["ownerReferences"] = "uid",
        ["topologySpreadConstraints"] = "topologyKey",
        ["resourceClaims"] = "name",
        ["schedulingGates"] = "name",
        ["podIPs"] = "ip",
        ["hostIPs"] = "ip",
    };

    private static readonly HashSet<string> ContainerLists = ["containers", "initContainers", "ephemeralContainers"];

    /// <summary>
    /// The strategy of list <paramref name="field"/>, given the path of field names above it
    /// (list indices left out), e.g. ["spec","template","spec","containers"] for a container's ports.
    /// </summary>
    public static ListStrategy? For(IReadOnlyList<string> parents, string field, string kind)
    {
        if (field == "finalizers" && parents is ["metadata"]) return new ListStrategy(null, MergePrimitives: true);
        if (field == "ports")
        {
            // Container ports merge by containerPort; a Service's spec.ports by port; others are atomic.
            if (parents.Count > 0 && ContainerLists.Contains(parents[^1])) return new ListStrategy("containerPort");
            return kind == "Service" && parents is ["spec"] ? new ListStrategy("port") : null;
        }

        // EndpointSubset.addresses are atomic; only NodeStatus.addresses merge by type.
        if (field == "addresses" && !(kind == "Node" && parents is ["status"])) return null;
        return KeyByField.TryGetValue(field, out var key) ? new ListStrategy(key) : null;
    }
}
