using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api;

/// <summary>Which served kinds are compiled in (as opposed to added by a CustomResourceDefinition).</summary>
public static class ResourceTypeKinds
{
    private static readonly HashSet<string> BuiltIn = BuiltInTypes.All.Select(t => t.GroupResource).ToHashSet();

    /// <summary>
    /// True for kube-apiserver's own kinds: they have strategic-merge patch keys and extra field
    /// selectors; custom resources answer 415 to strategic merge, as on a real cluster.
    /// </summary>
    public static bool IsBuiltIn(this ResourceType type) => BuiltIn.Contains(type.GroupResource);
}
