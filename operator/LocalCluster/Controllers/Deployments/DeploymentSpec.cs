using k8s.Models;

namespace LlmOperator.LocalCluster.Controllers.Deployments;

/// <summary>
/// A Deployment's settings with the API server's defaults applied (apps/v1 SetDefaults_Deployment),
/// so the controller behaves the same whether or not the server stored the defaults.
/// </summary>
internal static class DeploymentSpec
{
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    public const string RevisionHistoryAnnotation = "deployment.kubernetes.io/revision-history";
    public const string DesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
    public const string MaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";
    public const string PodTemplateHashLabel = "pod-template-hash";

    public static int Replicas(V1Deployment d) => d.Spec?.Replicas ?? 1;

    public static bool IsRecreate(V1Deployment d) => d.Spec?.Strategy?.Type == "Recreate";

    public static int MinReadySeconds(V1Deployment d) => d.Spec?.MinReadySeconds ?? 0;

    public static int RevisionHistoryLimit(V1Deployment d) => d.Spec?.RevisionHistoryLimit ?? 10;

    public static bool Paused(V1Deployment d) => d.Spec?.Paused == true;

    /// <summary>Seconds without progress before Progressing=False; null when there is no deadline (MaxInt32 means none).</summary>
    public static int? ProgressDeadlineSeconds(V1Deployment d) =>
        (d.Spec?.ProgressDeadlineSeconds ?? 600) is var seconds && seconds == int.MaxValue ? null : seconds;

    public static IntOrString MaxSurgeSetting(V1Deployment d) => d.Spec?.Strategy?.RollingUpdate?.MaxSurge ?? "25%";

    public static IntOrString MaxUnavailableSetting(V1Deployment d) => d.Spec?.Strategy?.RollingUpdate?.MaxUnavailable ?? "25%";

    public static long Revision(IReadOnlyDictionary<string, string>? annotations) =>
        annotations is not null && annotations.TryGetValue(RevisionAnnotation, out var text) && long.TryParse(text, out var revision) ? revision : 0;
}
