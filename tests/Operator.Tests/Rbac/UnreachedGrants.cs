namespace LlmOperator.Operator.Tests.Rbac;

/// <summary>
/// Grants of templates/rbac.yaml that the recorded scenario does not use, each with the code path that needs it:
/// the coverage test accepts an unused grant only when it is listed here. Keep it short: a path that becomes cheap
/// to reach belongs in the scenario instead.
/// </summary>
internal static class UnreachedGrants
{
    public sealed record Entry(string ApiGroup, string Resource, string Verb, string Reason);

    public static readonly IReadOnlyList<Entry> All =
    [
        new("", "pods", "delete",
            "ModelDeploymentReconciler.RecreateAsync: a failure confined to one node deletes that node's pods (RollbackDecision.RecreatePods); " +
            "the scenario's failure is the revision's, on every node."),
        new("inference.llmoperator.dev", "modeldeployments/finalizers", "update",
            "No call: OwnerReference.To sets blockOwnerDeletion, which the OwnerReferencesPermissionEnforcement admission plugin " +
            "(on in OpenShift) allows only to a client that may update the owner's finalizers. The local cluster does not run that plugin."),
        new("apps", "controllerrevisions", "get",
            "RevisionStore.UpdateAsync re-reads a revision only after its update answered 409 Conflict (a write race)."),
    ];

    /// <summary>Why <paramref name="grant"/> may stay unused; null when nothing says so.</summary>
    public static string? ReasonFor(RbacGrant grant) =>
        All.FirstOrDefault(e => e.ApiGroup == grant.ApiGroup && e.Resource == grant.Resource && e.Verb == grant.Verb)?.Reason;
}
