using static LlmOperator.LocalCluster.Api.Protobuf.ProtoKind;

namespace LlmOperator.LocalCluster.Api.Protobuf;

/// <summary>
/// The protobuf layout (field numbers of k8s.io/api and apimachinery generated.proto) of the kinds
/// that kubectl's generator commands send as protobuf: <c>create configmap|secret|namespace|
/// serviceaccount|deployment|service</c> and <c>run</c>. Only the fields those commands can fill are
/// listed; anything else arrives with a clear 415 rather than being dropped.
/// </summary>
public static class KubernetesProtoTypes
{
    public static readonly ProtoMessage OwnerReference = new ProtoMessage("OwnerReference").With(
        (1, new("kind", Text)), (3, new("name", Text)), (4, new("uid", Text)), (5, new("apiVersion", Text)),
        (6, new("controller", Flag, KeepZero: true)), (7, new("blockOwnerDeletion", Flag, KeepZero: true)));

    public static readonly ProtoMessage ObjectMeta = new ProtoMessage("ObjectMeta").With(
        (1, new("name", Text)), (2, new("generateName", Text)), (3, new("namespace", Text)),
        (5, new("uid", Text)), (6, new("resourceVersion", Text)), (7, new("generation", Long)),
        (8, new("creationTimestamp", Timestamp)), (11, new("labels", TextMap)), (12, new("annotations", TextMap)),
        (13, new("ownerReferences", Message, OwnerReference, Repeated: true)), (14, new("finalizers", Text, Repeated: true)));

    public static readonly ProtoMessage LocalObjectReference = new ProtoMessage("LocalObjectReference").With((1, new("name", Text)));

    public static readonly ProtoMessage ObjectReference = new ProtoMessage("ObjectReference").With(
        (1, new("kind", Text)), (2, new("namespace", Text)), (3, new("name", Text)), (4, new("uid", Text)), (5, new("apiVersion", Text)));

    public static readonly ProtoMessage LabelSelectorRequirement = new ProtoMessage("LabelSelectorRequirement").With(
        (1, new("key", Text)), (2, new("operator", Text)), (3, new("values", Text, Repeated: true)));

    public static readonly ProtoMessage LabelSelector = new ProtoMessage("LabelSelector").With(
        (1, new("matchLabels", TextMap)), (2, new("matchExpressions", Message, LabelSelectorRequirement, Repeated: true)));

    public static readonly ProtoMessage ContainerPort = new ProtoMessage("ContainerPort").With(
        (1, new("name", Text)), (2, new("hostPort", Int)), (3, new("containerPort", Int)), (4, new("protocol", Text)), (5, new("hostIP", Text)));

    public static readonly ProtoMessage EnvVar = new ProtoMessage("EnvVar").With((1, new("name", Text)), (2, new("value", Text)));

    public static readonly ProtoMessage ResourceRequirements = new ProtoMessage("ResourceRequirements").With(
        (1, new("limits", QuantityMap)), (2, new("requests", QuantityMap)));

    public static readonly ProtoMessage Container = new ProtoMessage("Container").With(
        (1, new("name", Text)), (2, new("image", Text)), (3, new("command", Text, Repeated: true)), (4, new("args", Text, Repeated: true)),
        (5, new("workingDir", Text)), (6, new("ports", Message, ContainerPort, Repeated: true)), (7, new("env", Message, EnvVar, Repeated: true)),
        (8, new("resources", Message, ResourceRequirements)), (13, new("terminationMessagePath", Text)), (14, new("imagePullPolicy", Text)),
        (16, new("stdin", Flag)), (17, new("stdinOnce", Flag)), (18, new("tty", Flag)), (20, new("terminationMessagePolicy", Text)));

    public static readonly ProtoMessage PodSpec = new ProtoMessage("PodSpec").With(
        (2, new("containers", Message, Container, Repeated: true)), (3, new("restartPolicy", Text)),
        (4, new("terminationGracePeriodSeconds", Long, KeepZero: true)), (5, new("activeDeadlineSeconds", Long, KeepZero: true)),
        (6, new("dnsPolicy", Text)), (7, new("nodeSelector", TextMap)), (8, new("serviceAccountName", Text)),
        (10, new("nodeName", Text)), (15, new("imagePullSecrets", Message, LocalObjectReference, Repeated: true)),
        (21, new("automountServiceAccountToken", Flag, KeepZero: true)));

    public static readonly ProtoMessage PodTemplateSpec = new ProtoMessage("PodTemplateSpec").With(
        (1, new("metadata", Message, ObjectMeta)), (2, new("spec", Message, PodSpec)));

    public static readonly ProtoMessage RollingUpdateDeployment = new ProtoMessage("RollingUpdateDeployment").With(
        (1, new("maxUnavailable", IntOrString)), (2, new("maxSurge", IntOrString)));

    public static readonly ProtoMessage DeploymentStrategy = new ProtoMessage("DeploymentStrategy").With(
        (1, new("type", Text)), (2, new("rollingUpdate", Message, RollingUpdateDeployment)));

    public static readonly ProtoMessage DeploymentSpec = new ProtoMessage("DeploymentSpec").With(
        (1, new("replicas", Int, KeepZero: true)), (2, new("selector", Message, LabelSelector)), (3, new("template", Message, PodTemplateSpec)),
        (4, new("strategy", Message, DeploymentStrategy)), (5, new("minReadySeconds", Int)), (6, new("revisionHistoryLimit", Int, KeepZero: true)),
        (7, new("paused", Flag)), (9, new("progressDeadlineSeconds", Int, KeepZero: true)));

    public static readonly ProtoMessage ServicePort = new ProtoMessage("ServicePort").With(
        (1, new("name", Text)), (2, new("protocol", Text)), (3, new("port", Int)), (4, new("targetPort", IntOrString)), (5, new("nodePort", Int)));

    public static readonly ProtoMessage ServiceSpec = new ProtoMessage("ServiceSpec").With(
        (1, new("ports", Message, ServicePort, Repeated: true)), (2, new("selector", TextMap)), (3, new("clusterIP", Text)), (4, new("type", Text)));

    /// <summary>The top-level kinds, by GroupResource of the URL they are posted to.</summary>
    public static readonly IReadOnlyDictionary<string, ProtoMessage> ByResource = new Dictionary<string, ProtoMessage>
    {
        ["configmaps"] = TopLevel("ConfigMap", (2, new("data", TextMap)), (3, new("binaryData", BinaryMap)), (4, new("immutable", Flag, KeepZero: true))),
        ["secrets"] = TopLevel("Secret", (2, new("data", BinaryMap)), (3, new("type", Text)), (4, new("stringData", TextMap)), (5, new("immutable", Flag, KeepZero: true))),
        ["namespaces"] = TopLevel("Namespace", (2, new("spec", Message, new ProtoMessage("NamespaceSpec").With((1, new("finalizers", Text, Repeated: true)))))),
        ["serviceaccounts"] = TopLevel("ServiceAccount", (2, new("secrets", Message, ObjectReference, Repeated: true)),
            (3, new("imagePullSecrets", Message, LocalObjectReference, Repeated: true)), (4, new("automountServiceAccountToken", Flag, KeepZero: true))),
        ["pods"] = TopLevel("Pod", (2, new("spec", Message, PodSpec))),
        ["services"] = TopLevel("Service", (2, new("spec", Message, ServiceSpec))),
        ["deployments.apps"] = TopLevel("Deployment", (2, new("spec", Message, DeploymentSpec))),
    };

    private static ProtoMessage TopLevel(string name, params (int, ProtoField)[] fields) =>
        new ProtoMessage(name).With((1, new ProtoField("metadata", Message, ObjectMeta))).With(fields);
}
