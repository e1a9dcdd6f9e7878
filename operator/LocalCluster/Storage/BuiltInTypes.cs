namespace LlmOperator.LocalCluster.Storage;

/// <summary>The built-in kinds the local API server serves (CRD kinds are added at run time).</summary>
public static class BuiltInTypes
{
    public static readonly ResourceType Namespaces = new("", "v1", "Namespace", "namespaces", Namespaced: false, HasStatusSubresource: true, ShortNames: ["ns"]) { TracksGeneration = false };
    public static readonly ResourceType Pods = new("", "v1", "Pod", "pods", Namespaced: true, HasStatusSubresource: true, ShortNames: ["po"], Categories: ["all"]) { TracksGeneration = false };
    public static readonly ResourceType Services = new("", "v1", "Service", "services", Namespaced: true, HasStatusSubresource: true, ShortNames: ["svc"], Categories: ["all"]) { TracksGeneration = false };
    public static readonly ResourceType Endpoints = new("", "v1", "Endpoints", "endpoints", Namespaced: true, ShortNames: ["ep"]) { TracksGeneration = false };
    public static readonly ResourceType ConfigMaps = new("", "v1", "ConfigMap", "configmaps", Namespaced: true, ShortNames: ["cm"]) { TracksGeneration = false };
    public static readonly ResourceType Secrets = new("", "v1", "Secret", "secrets", Namespaced: true) { TracksGeneration = false };
    public static readonly ResourceType Events = new("", "v1", "Event", "events", Namespaced: true, ShortNames: ["ev"]) { TracksGeneration = false };
    public static readonly ResourceType Nodes = new("", "v1", "Node", "nodes", Namespaced: false, HasStatusSubresource: true, ShortNames: ["no"]) { TracksGeneration = false };
    public static readonly ResourceType ServiceAccounts = new("", "v1", "ServiceAccount", "serviceaccounts", Namespaced: true, ShortNames: ["sa"]) { TracksGeneration = false };
    public static readonly ResourceType Deployments = new("apps", "v1", "Deployment", "deployments", Namespaced: true, HasStatusSubresource: true, ShortNames: ["deploy"], Categories: ["all"]);
    public static readonly ResourceType ReplicaSets = new("apps", "v1", "ReplicaSet", "replicasets", Namespaced: true, HasStatusSubresource: true, ShortNames: ["rs"], Categories: ["all"]);
    public static readonly ResourceType ControllerRevisions = new("apps", "v1", "ControllerRevision", "controllerrevisions", Namespaced: true) { TracksGeneration = false };
    public static readonly ResourceType Leases = new("coordination.k8s.io", "v1", "Lease", "leases", Namespaced: true) { TracksGeneration = false };
    public static readonly ResourceType CustomResourceDefinitions = new("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", Namespaced: false, HasStatusSubresource: true, ShortNames: ["crd", "crds"]);
    public static readonly ResourceType ValidatingWebhookConfigurations = new("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", Namespaced: false);
    public static readonly ResourceType MutatingWebhookConfigurations = new("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", Namespaced: false);

    public static IReadOnlyList<ResourceType> All { get; } =
    [
        Namespaces, Pods, Services, Endpoints, ConfigMaps, Secrets, Events, Nodes, ServiceAccounts,
        Deployments, ReplicaSets, ControllerRevisions, Leases, CustomResourceDefinitions,
        ValidatingWebhookConfigurations, MutatingWebhookConfigurations,
    ];
}
