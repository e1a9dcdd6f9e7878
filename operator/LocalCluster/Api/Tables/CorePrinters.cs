using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;
using static LlmOperator.LocalCluster.Api.Tables.WorkloadPrinters;

namespace LlmOperator.LocalCluster.Api.Tables;

/// <summary>Columns of the core (v1) kinds and the few cluster kinds, as kube-apiserver prints them.</summary>
internal static class CorePrinters
{
    public static TablePrinter Services { get; } = new(
    [
        TableColumn.NameColumn,
        new("Type", "string", "type determines how the Service is exposed."),
        new("Cluster-IP", "string", "clusterIP is the IP address of the service."),
        new("External-IP", "string", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
        new("Port(s)", "string", "The list of ports that are exposed by this service."),
        TableColumn.AgeColumn,
        new("Selector", "string", "Route service traffic to pods with label keys and values matching this selector.", Priority: 1),
    ], (svc, now) =>
    [
        JsonRead.Str(svc, "metadata", "name"),
        JsonRead.Str(svc, "spec", "type") ?? "ClusterIP",
        JsonRead.Str(svc, "spec", "clusterIP") is { Length: > 0 } ip ? ip : "<none>",
        ExternalIp(svc),
        Ports(svc),
        Age(svc, now),
        JsonRead.Count(svc, "spec", "selector") == 0 ? "<none>"
            : string.Join(",", JsonRead.Entries(svc, "spec", "selector").Select(kv => $"{kv.Key}={kv.Value}")),
    ]);

    public static TablePrinter Endpoints { get; } = new(
    [
        TableColumn.NameColumn,
        new("Endpoints", "string", "The set of all endpoints is the union of all subsets."),
        TableColumn.AgeColumn,
    ], (ep, now) => [JsonRead.Str(ep, "metadata", "name"), FormatEndpoints(ep), Age(ep, now)]);

    public static TablePrinter Nodes { get; } = new(
    [
        TableColumn.NameColumn,
        new("Status", "string", "The status of the node"),
        new("Roles", "string", "The roles of the node"),
        TableColumn.AgeColumn,
        new("Version", "string", "Kubelet Version reported by the node."),
        new("Internal-IP", "string", "List of addresses reachable to the node.", Priority: 1),
        new("External-IP", "string", "List of addresses reachable to the node.", Priority: 1),
        new("OS-Image", "string", "OS Image reported by the node.", Priority: 1),
        new("Kernel-Version", "string", "Kernel Version reported by the node.", Priority: 1),
        new("Container-Runtime", "string", "ContainerRuntime Version reported by the node.", Priority: 1),
    ], (node, now) =>
    [
        JsonRead.Str(node, "metadata", "name"),
        NodeStatus(node),
        NodeRoles(node),
        Age(node, now),
        JsonRead.Str(node, "status", "nodeInfo", "kubeletVersion") ?? "",
        Address(node, "InternalIP"),
        Address(node, "ExternalIP"),
        JsonRead.Str(node, "status", "nodeInfo", "osImage") is { Length: > 0 } os ? os : "<unknown>",
        JsonRead.Str(node, "status", "nodeInfo", "kernelVersion") is { Length: > 0 } kernel ? kernel : "<unknown>",
        JsonRead.Str(node, "status", "nodeInfo", "containerRuntimeVersion") is { Length: > 0 } cr ? cr : "<unknown>",
    ]);

    public static TablePrinter Namespaces { get; } = new(
    [
        TableColumn.NameColumn,
        new("Status", "string", "The status of the namespace"),
        TableColumn.AgeColumn,
    ], (ns, now) => [JsonRead.Str(ns, "metadata", "name"), JsonRead.Str(ns, "status", "phase") ?? "", Age(ns, now)]);

    public static TablePrinter ConfigMaps { get; } = new(
    [
        TableColumn.NameColumn,
        new("Data", "string", "Data contains the configuration data."),
        TableColumn.AgeColumn,
    ], (cm, now) => [JsonRead.Str(cm, "metadata", "name"), JsonRead.Count(cm, "data") + JsonRead.Count(cm, "binaryData"), Age(cm, now)]);

    public static TablePrinter Secrets { get; } = new(
    [
        TableColumn.NameColumn,
        new("Type", "string", "Used to facilitate programmatic handling of secret data."),
        new("Data", "string", "Data contains the secret data."),
        TableColumn.AgeColumn,
    ], (s, now) => [JsonRead.Str(s, "metadata", "name"), JsonRead.Str(s, "type") ?? "Opaque", JsonRead.Count(s, "data"), Age(s, now)]);

    public static TablePrinter ServiceAccounts { get; } = new(
    [
        TableColumn.NameColumn,
        new("Secrets", "string", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."),
        TableColumn.AgeColumn,
    ], (sa, now) => [JsonRead.Str(sa, "metadata", "name"), JsonRead.Count(sa, "secrets"), Age(sa, now)]);

    public static TablePrinter Leases { get; } = new(
    [
        TableColumn.NameColumn,
        new("Holder", "string", "holderIdentity contains the identity of the holder of a current lease."),
        TableColumn.AgeColumn,
    ], (lease, now) => [JsonRead.Str(lease, "metadata", "name"), JsonRead.Str(lease, "spec", "holderIdentity") ?? "", Age(lease, now)]);

    public static TablePrinter WebhookConfigurations { get; } = new(
    [
        TableColumn.NameColumn,
        new("Webhooks", "integer", "Webhooks is a list of webhooks and the affected resources and operations."),
        TableColumn.AgeColumn,
    ], (w, now) => [JsonRead.Str(w, "metadata", "name"), JsonRead.Count(w, "webhooks"), Age(w, now)]);

    /// <summary>CRDs print their creation time as a timestamp, not an age (apiextensions-apiserver does so).</summary>
    public static TablePrinter CustomResourceDefinitions { get; } = new(
    [
        TableColumn.NameColumn,
        new("Created At", "date", TableColumn.AgeDescription),
    ], (crd, _) => [JsonRead.Str(crd, "metadata", "name"), JsonRead.Str(crd, "metadata", "creationTimestamp")]);

    private static string ExternalIp(JsonObject svc)
    {
        var external = (JsonRead.At(svc, "spec", "externalIPs") as JsonArray ?? []).Select(v => v?.ToString()).ToList();
        switch (JsonRead.Str(svc, "spec", "type"))
        {
            case "LoadBalancer":
                var ingress = JsonRead.Objects(svc, "status", "loadBalancer", "ingress")
                    .Select(i => JsonRead.Str(i, "ip") ?? JsonRead.Str(i, "hostname")).Where(a => a is not null).ToList();
                external.AddRange(ingress);
                return external.Count > 0 ? string.Join(",", external) : "<pending>";
            case "ExternalName":
                return JsonRead.Str(svc, "spec", "externalName") ?? "<none>";
            default:
                return external.Count > 0 ? string.Join(",", external) : "<none>";
        }
    }

    private static string Ports(JsonObject svc)
    {
        var ports = JsonRead.Objects(svc, "spec", "ports").Select(p =>
        {
            var protocol = JsonRead.Str(p, "protocol") ?? "TCP";
            var nodePort = JsonRead.Int(p, "nodePort");
            return nodePort > 0 ? $"{JsonRead.Int(p, "port")}:{nodePort}/{protocol}" : $"{JsonRead.Int(p, "port")}/{protocol}";
        }).ToList();
        return ports.Count == 0 ? "<none>" : string.Join(",", ports);
    }

    /// <summary>"ip:port,ip:port + 2 more...", at most three addresses like kubectl.</summary>
    private static string FormatEndpoints(JsonObject ep)
    {
        var all = new List<string>();
        foreach (var subset in JsonRead.Objects(ep, "subsets"))
        {
            var ports = JsonRead.Objects(subset, "ports").Select(p => JsonRead.Int(p, "port")).ToList();
            foreach (var address in JsonRead.Objects(subset, "addresses").Select(a => JsonRead.Str(a, "ip")))
            {
                all.AddRange(ports.Count == 0 ? [address ?? ""] : ports.Select(port => $"{address}:{port}"));
            }
        }

        if (all.Count == 0) return "<none>";
        var shown = string.Join(",", all.Take(3));
        return all.Count > 3 ? $"{shown} + {all.Count - 3} more..." : shown;
    }

    private static string NodeStatus(JsonObject node)
    {
        var ready = JsonRead.Objects(node, "status", "conditions").FirstOrDefault(c => JsonRead.Str(c, "type") == "Ready");
        var status = ready is null ? "Unknown" : JsonRead.Str(ready, "status") == "True" ? "Ready" : "NotReady";
        return JsonRead.Bool(node, "spec", "unschedulable") ? status + ",SchedulingDisabled" : status;
    }

    private static string NodeRoles(JsonObject node)
    {
        const string prefix = "node-role.kubernetes.io/";
        var roles = JsonRead.Entries(node, "metadata", "labels")
            .Select(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal) ? kv.Key[prefix.Length..]
                : kv.Key == "kubernetes.io/role" ? kv.Value?.ToString() : null)
            .Where(r => !string.IsNullOrEmpty(r)).Order(StringComparer.Ordinal).ToList();
        return roles.Count == 0 ? "<none>" : string.Join(",", roles);
    }

    private static string Address(JsonObject node, string type) =>
        JsonRead.Objects(node, "status", "addresses").Where(a => JsonRead.Str(a, "type") == type)
            .Select(a => JsonRead.Str(a, "address")).FirstOrDefault() ?? "<none>";
}
