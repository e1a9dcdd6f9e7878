using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api.Discovery;

/// <summary>
/// The discovery documents, legacy (APIVersions, APIGroupList, APIGroup, APIResourceList) and aggregated
/// (apidiscovery.k8s.io APIGroupDiscoveryList, the same body for v2 and v2beta1), from the registry.
/// </summary>
public static class DiscoveryDocuments
{
    /// <summary><c>GET /api</c>, legacy: the core group's versions.</summary>
    public static JsonObject ApiVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = ServerAddresses(serverAddress),
    };

    /// <summary><c>GET /apis</c>, legacy: every named group with its versions, preferred first.</summary>
    public static JsonObject ApiGroupList(ResourceRegistry registry) => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(ServedResources.Groups(registry).Where(g => g.Length > 0)
            .Select(g => (JsonNode)GroupBody(registry, g)).ToArray()),
    };

    /// <summary><c>GET /apis/{group}</c>; null when no kind of that group is served.</summary>
    public static JsonObject? ApiGroup(ResourceRegistry registry, string group)
    {
        if (ServedResources.Versions(registry, group).Count == 0) return null;
        var body = GroupBody(registry, group);
        body["kind"] = "APIGroup";
        body["apiVersion"] = "v1";
        return body;
    }

    /// <summary><c>GET /api/v1</c> or <c>/apis/{group}/{version}</c>; null when that group-version is not served.</summary>
    public static JsonObject? ApiResourceList(ResourceRegistry registry, string group, string version)
    {
        var types = ServedResources.Resources(registry, group, version);
        if (types.Count == 0) return null;
        var resources = new JsonArray();
        foreach (var type in types)
        {
            resources.Add(LegacyResource(type));
            foreach (var sub in ServedResources.Subresources(type))
            {
                var entry = new JsonObject
                {
                    ["name"] = $"{type.Plural}/{sub.Name}",
                    ["singularName"] = "",
                    ["namespaced"] = type.Namespaced,
                };
                if (sub.Group != type.Group || sub.Version != type.Version)
                {
                    entry["group"] = sub.Group;
                    entry["version"] = sub.Version;
                }

                entry["kind"] = sub.Kind;
                entry["verbs"] = Strings(sub.Verbs);
                resources.Add(entry);
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }

    /// <summary>
    /// Aggregated discovery: every group (core only for <c>/api</c>, named groups for <c>/apis</c>) with all
    /// its resources in one answer. <paramref name="apiVersion"/> is apidiscovery.k8s.io/v2 or /v2beta1.
    /// </summary>
    public static JsonObject Aggregated(ResourceRegistry registry, bool core, string apiVersion)
    {
        var items = new JsonArray();
        foreach (var group in ServedResources.Groups(registry).Where(g => (g.Length == 0) == core))
        {
            var versions = new JsonArray();
            foreach (var version in ServedResources.Versions(registry, group))
            {
                versions.Add(new JsonObject
                {
                    ["version"] = version,
                    ["resources"] = new JsonArray(ServedResources.Resources(registry, group, version)
                        .Select(t => (JsonNode)AggregatedResource(t)).ToArray()),
                    ["freshness"] = "Current",
                });
            }

            var metadata = new JsonObject { ["creationTimestamp"] = null };
            if (!core) metadata["name"] = group;
            items.Add(new JsonObject { ["metadata"] = metadata, ["versions"] = versions });
        }

        return new JsonObject
        {
            ["kind"] = "APIGroupDiscoveryList",
            ["apiVersion"] = apiVersion,
            ["metadata"] = new JsonObject(),
            ["items"] = items,
        };
    }

    private static JsonObject AggregatedResource(ResourceType type)
    {
        var resource = new JsonObject
        {
            ["resource"] = type.Plural,
            ["responseKind"] = Gvk(type.Group, type.Version, type.Kind),
            ["scope"] = type.Namespaced ? "Namespaced" : "Cluster",
            ["singularResource"] = type.Singular,
            ["verbs"] = Strings(ServedResources.Verbs),
        };
        AddNames(resource, type);
        var subresources = ServedResources.Subresources(type);
        if (subresources.Count > 0)
        {
            resource["subresources"] = new JsonArray(subresources.Select(s => (JsonNode)new JsonObject
            {
                ["subresource"] = s.Name,
                ["responseKind"] = Gvk(s.Group, s.Version, s.Kind),
                ["verbs"] = Strings(s.Verbs),
            }).ToArray());
        }

        return resource;
    }

    private static JsonObject LegacyResource(ResourceType type)
    {
        var resource = new JsonObject
        {
            ["name"] = type.Plural,
            ["singularName"] = type.Singular,
            ["namespaced"] = type.Namespaced,
            ["kind"] = type.Kind,
            ["verbs"] = Strings(ServedResources.Verbs),
        };
        AddNames(resource, type);
        return resource;
    }

    private static void AddNames(JsonObject resource, ResourceType type)
    {
        if (type.ShortNames is { Count: > 0 } shortNames) resource["shortNames"] = Strings(shortNames);
        if (type.Categories is { Count: > 0 } categories) resource["categories"] = Strings(categories);
    }

    private static JsonObject GroupBody(ResourceRegistry registry, string group)
    {
        var versions = ServedResources.Versions(registry, group)
            .Select(v => new JsonObject { ["groupVersion"] = $"{group}/{v}", ["version"] = v }).ToList();
        return new JsonObject
        {
            ["name"] = group,
            ["versions"] = new JsonArray(versions.Select(v => (JsonNode)v).ToArray()),
            ["preferredVersion"] = versions[0].DeepClone(),
        };
    }

    private static JsonArray ServerAddresses(string serverAddress) =>
        new(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress });

    private static JsonObject Gvk(string group, string version, string kind) =>
        new() { ["group"] = group, ["version"] = version, ["kind"] = kind };

    private static JsonArray Strings(IEnumerable<string> values) =>
        new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
}
