using LlmOperator.Operator.Entities;

namespace LlmOperator.Operator.Reconciliation.DesiredState;

/// <summary>The recommended app.kubernetes.io labels, and the operator's own revision label and annotations.</summary>
public static class EngineLabels
{
    public const string Name = "app.kubernetes.io/name";
    public const string Instance = "app.kubernetes.io/instance";
    public const string Component = "app.kubernetes.io/component";
    public const string PartOf = "app.kubernetes.io/part-of";
    public const string ManagedBy = "app.kubernetes.io/managed-by";
    public const string Version = "app.kubernetes.io/version";
    public const string Revision = V1Alpha1ModelDeployment.Group + "/revision";
    public const string RollbackTo = V1Alpha1ModelDeployment.Group + "/rollback-to";
    public const string Manager = "llm-operator";

    /// <summary>The labels that select a resource's pods (stable across revisions: Deployment selectors are immutable).</summary>
    public static Dictionary<string, string> Selector(string instance) => new()
    {
        [Instance] = instance,
        [Component] = "inference-server",
    };

    public static Dictionary<string, string> For(V1Alpha1ModelDeployment resource, string image)
    {
        var labels = Selector(resource.Metadata.Name);
        labels[Name] = resource.Spec.Engine.Runtime == EngineRuntimeName.Vllm ? "vllm" : "llm-engine";
        labels[PartOf] = Manager;
        labels[ManagedBy] = Manager;
        var tag = image.Contains(':') ? image[(image.LastIndexOf(':') + 1)..] : "latest";
        labels[Version] = tag.Length <= 63 ? tag : tag[..63];
        return labels;
    }
}
