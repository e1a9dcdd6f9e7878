namespace LlmOperator.LocalCluster.Controllers.Runtime;

/// <summary>The queue key of a namespaced (or, with a null namespace, cluster-scoped) object.</summary>
public readonly record struct ObjectKey(string? Namespace, string Name)
{
    public override string ToString() => Namespace is null ? Name : $"{Namespace}/{Name}";
}
