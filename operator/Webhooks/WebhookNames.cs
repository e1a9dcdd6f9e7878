using LlmOperator.Operator.Entities;

namespace LlmOperator.Operator.Webhooks;

/// <summary>The names the server, the webhook configurations and the Helm chart must agree on.</summary>
public static class WebhookNames
{
    /// <summary>Name of both the ValidatingWebhookConfiguration and the MutatingWebhookConfiguration.</summary>
    public const string Configuration = "llm-operator";

    public const string ValidateModelDeploymentPath = "/validate-modeldeployment";
    public const string MutateModelDeploymentPath = "/mutate-modeldeployment";
    public const string ValidateConfigMapPath = "/validate-configmap";

    /// <summary>Webhook names are fully qualified (kube-apiserver requires at least three DNS labels).</summary>
    public const string ValidateModelDeployment = "validate.modeldeployments." + V1Alpha1ModelDeployment.Group;
    public const string DefaultModelDeployment = "default.modeldeployments." + V1Alpha1ModelDeployment.Group;
    public const string ValidateModelConfigMap = "validate.model-configmaps." + V1Alpha1ModelDeployment.Group;

    /// <summary>
    /// ConfigMaps holding a model's config.json carry this label so that their changes are checked at admission;
    /// the ConfigMap webhook's objectSelector matches it, so no other ConfigMap in the cluster waits on the operator.
    /// </summary>
    public const string ModelConfigLabel = V1Alpha1ModelDeployment.Group + "/model-config";

    /// <summary>Default Service and its namespace the API server calls the webhooks through.</summary>
    public const string Service = "llm-operator-webhook";
    public const string Namespace = "llm-operator";
}
