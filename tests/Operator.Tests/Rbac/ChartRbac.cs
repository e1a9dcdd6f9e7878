using LlmOperator.Charts.Tests.Rendering;
using LlmOperator.LocalCluster.Api.Auditing;
using LlmOperator.Operator.Webhooks;

namespace LlmOperator.Operator.Tests.Rbac;

/// <summary>
/// templates/rbac.yaml of charts/llm-operator rendered as <c>helm template</c> renders it (default values) for a release
/// named <c>llm-operator</c> in <see cref="ReleaseNamespace"/>, and the checks of the operator's recorded requests against it.
/// </summary>
internal static class ChartRbac
{
    public const string ReleaseNamespace = WebhookNames.Namespace;
    public const string Release = "llm-operator";
    public const string ServiceAccount = Release;
    public const string CertificateSecret = Release + "-webhook-tls";

    public static string TemplatePath => RepositoryPaths.Of("charts", "llm-operator", "templates", "rbac.yaml");

    public static RbacPolicy Load()
    {
        var output = HelmRenderProgram.Run(RepositoryPaths.Root, RepositoryPaths.Of("charts", "llm-operator"), Release, ReleaseNamespace,
            showOnly: "templates/rbac.yaml");
        if (output.ExitCode != 0) throw new InvalidOperationException($"Rendering {TemplatePath} failed ({output.ExitCode}): {output.Error}");
        return RbacPolicy.For(output.Manifests, ReleaseNamespace, ServiceAccount);
    }

    /// <summary>One line per distinct request the policy refuses, each naming the rule that would allow it.</summary>
    public static IReadOnlyList<string> Refused(RbacPolicy policy, IEnumerable<RequestAttributes> requests) =>
    [
        .. requests.Where(r => !policy.Allows(r))
            .GroupBy(r => (r.Verb, r.ApiGroup, r.RuleResource, Scope: r.Namespace == ReleaseNamespace ? ReleaseNamespace : r.Namespace is null ? null : "*"))
            .Select(g => $"The operator's request `{g.First()}` ({g.Count()}x) is not allowed by {TemplatePath}. Fix: add " +
                         $"{{apiGroups: [\"{g.Key.ApiGroup}\"], resources: [{g.Key.RuleResource}], verbs: [{g.Key.Verb}]}} to " +
                         (g.Key.Scope == ReleaseNamespace
                             ? $"a Role in {{{{ .Release.Namespace }}}} (the operator's own namespace) or the ClusterRole"
                             : "the ClusterRole") +
                         ", and a row to docs/security.md's RBAC table saying which code needs it."),
    ];

    /// <summary>Grants no request used that <see cref="UnreachedGrants"/> does not explain.</summary>
    public static IReadOnlyList<string> Unused(RbacPolicy policy, IReadOnlyList<RequestAttributes> requests) =>
    [
        .. policy.Grants
            .Where(g => !requests.Any(g.Allows) && UnreachedGrants.ReasonFor(g) is null)
            .Select(g => $"`{g}` was never used by the operator in the scenario. Remove it from {TemplatePath}, or, when a code path the " +
                         $"scenario does not reach needs it, add it to {nameof(UnreachedGrants)} with that path as the reason."),
    ];
}
