using System.Text.RegularExpressions;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api.Discovery;

/// <summary>A subresource as discovery lists it; responseKind is the kind its GET answers with.</summary>
/// <param name="Group">Group of the response kind (autoscaling for scale), or the resource's own.</param>
public sealed record ServedSubresource(string Name, string Group, string Version, string Kind, IReadOnlyList<string> Verbs);

/// <summary>
/// What the registry's kinds look like to clients: verbs, subresources, group and version order. One
/// table behind legacy discovery, aggregated discovery and OpenAPI, read at request time so a CRD
/// registered a moment ago is listed.
/// </summary>
public static partial class ServedResources
{
    public static IReadOnlyList<string> Verbs { get; } =
        ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    private static readonly IReadOnlyList<string> SubresourceVerbs = ["get", "patch", "update"];

    /// <summary>Subresources the API server serves for a kind: status, pods/log, scale for the apps workloads.</summary>
    public static IReadOnlyList<ServedSubresource> Subresources(ResourceType type)
    {
        var list = new List<ServedSubresource>();
        if (type.GroupResource == BuiltInTypes.Pods.GroupResource)
        {
            list.Add(new("log", type.Group, type.Version, type.Kind, ["get"]));
        }

        if (type.GroupResource == BuiltInTypes.Deployments.GroupResource || type.GroupResource == BuiltInTypes.ReplicaSets.GroupResource)
        {
            list.Add(new("scale", "autoscaling", "v1", "Scale", SubresourceVerbs));
        }

        if (type.HasStatusSubresource)
        {
            list.Add(new("status", type.Group, type.Version, type.Kind, SubresourceVerbs));
        }

        return list;
    }

    /// <summary>
    /// Groups in the order clients should prefer them when a resource name exists in several: the
    /// core group, the built-in groups, then custom groups alphabetically (kube-apiserver's priorities).
    /// </summary>
    public static IReadOnlyList<string> Groups(ResourceRegistry registry)
    {
        var builtIn = BuiltInTypes.All.Select(t => t.Group).Distinct().ToList();
        return registry.All.Select(t => t.Group).Distinct()
            .OrderBy(g => builtIn.IndexOf(g) is var i and >= 0 ? i : int.MaxValue)
            .ThenBy(g => g, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>A group's versions, preferred first (v1 before v1beta1 before v1alpha1).</summary>
    public static IReadOnlyList<string> Versions(ResourceRegistry registry, string group) =>
        registry.All.Where(t => t.Group == group).Select(t => t.Version).Distinct()
            .Order(Comparer<string>.Create(CompareVersions)).ToList();

    public static IReadOnlyList<ResourceType> Resources(ResourceRegistry registry, string group, string version) =>
        registry.All.Where(t => t.Group == group && t.Version == version).ToList();

    /// <summary>
    /// Kubernetes' version priority (apimachinery CompareKubeAwareVersionStrings), highest first:
    /// GA by major descending, then beta, then alpha; versions not of the vNbetaM form sort last by name.
    /// </summary>
    public static int CompareVersions(string a, string b)
    {
        var (ka, kb) = (KubeVersion(a), KubeVersion(b));
        if (ka is null && kb is null) return string.CompareOrdinal(a, b);
        if (ka is null) return 1;
        if (kb is null) return -1;
        if (ka.Value.Stage != kb.Value.Stage) return kb.Value.Stage.CompareTo(ka.Value.Stage);
        if (ka.Value.Major != kb.Value.Major) return kb.Value.Major.CompareTo(ka.Value.Major);
        return kb.Value.Minor.CompareTo(ka.Value.Minor);
    }

    private static (int Stage, int Major, int Minor)? KubeVersion(string version)
    {
        var m = KubeVersionPattern().Match(version);
        if (!m.Success) return null;
        var stage = m.Groups["stage"].Value switch { "" => 2, "beta" => 1, _ => 0 };
        var minor = m.Groups["minor"].Success ? int.Parse(m.Groups["minor"].Value) : 0;
        return (stage, int.Parse(m.Groups["major"].Value), minor);
    }

    [GeneratedRegex(@"^v(?<major>[1-9][0-9]*)(?:(?<stage>alpha|beta)(?<minor>[1-9][0-9]*))?$")]
    private static partial Regex KubeVersionPattern();
}
