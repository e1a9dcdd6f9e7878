using LlmOperator.LocalCluster.Api.Auditing;

namespace LlmOperator.Operator.Tests.Rbac;

/// <summary>The chart's RBAC read statically: least-privilege shape, and the checks the coverage test relies on.</summary>
public sealed class RbacChartTests
{
    private static readonly RbacPolicy Policy = ChartRbac.Load();

    [Fact]
    public void Load_Should_GrantNoWildcard_When_TheChartIsRendered()
    {
        Assert.NotEmpty(Policy.Grants);
        AssertNone(Policy.Grants.Where(g => g.HasWildcard).Select(g => $"{g}: name the verbs and resources the operator calls instead of *"));
    }

    [Fact]
    public void Load_Should_NeverRestrictCreateByName_When_ARuleHasResourceNames()
    {
        // RBAC matches resourceNames against the request's name, which a create (and a list or watch) does not have:
        // such a grant would look like a permission and allow nothing.
        AssertNone(Policy.Grants.Where(g => g.ResourceNames.Count > 0 && g.Verb is "create" or "list" or "watch" or "deletecollection")
            .Select(g => $"{g}: resourceNames cannot restrict {g.Verb}; put it in a rule of its own without resourceNames"));
    }

    [Fact]
    public void Load_Should_ConfineLeasesAndTheCertificateSecretWritesToTheReleaseNamespace_When_Bound()
    {
        var confined = Policy.Grants.Where(g => g.Resource == "leases" || (g.Resource == "secrets" && g.Verb != "get")).ToList();

        Assert.NotEmpty(confined);
        Assert.All(confined, g => Assert.Equal(ChartRbac.ReleaseNamespace, g.Namespace));
        Assert.Contains(confined, g => g is { Resource: "secrets", Verb: "update" } && g.ResourceNames.SequenceEqual([ChartRbac.CertificateSecret]));
    }

    [Fact]
    public void Load_Should_LimitWebhookConfigurationsToTheReleasesOwn_When_Granted()
    {
        var webhooks = Policy.Grants.Where(g => g.ApiGroup == "admissionregistration.k8s.io").ToList();

        Assert.Equal(["get/mutatingwebhookconfigurations", "get/validatingwebhookconfigurations",
                      "update/mutatingwebhookconfigurations", "update/validatingwebhookconfigurations"],
            webhooks.Select(g => $"{g.Verb}/{g.Resource}").Order());
        Assert.All(webhooks, g => Assert.Equal([ChartRbac.Release], g.ResourceNames));
    }

    [Fact]
    public void UnreachedGrants_Should_NameOnlyGrantsTheChartHas_When_Listed()
    {
        var stale = UnreachedGrants.All.Where(e => !Policy.Grants.Any(g => g.ApiGroup == e.ApiGroup && g.Resource == e.Resource && g.Verb == e.Verb));

        AssertNone(stale.Select(e => $"{e.Verb} {e.ApiGroup}/{e.Resource}: the chart no longer grants it; remove it from UnreachedGrants"));
    }

    [Fact]
    public void Refused_Should_NameTheMissingRuleAndTheFix_When_ARequestIsNotAllowed()
    {
        var scale = new RequestAttributes("llm-operator/0.1.0", "update", "apps", "v1", "deployments", "scale", "default", "tiny");

        var refused = Assert.Single(ChartRbac.Refused(Policy, [scale, scale]));

        Assert.Contains("`update apps/deployments/scale in default name=tiny` (2x) is not allowed", refused);
        Assert.Contains("Fix: add {apiGroups: [\"apps\"], resources: [deployments/scale], verbs: [update]} to the ClusterRole", refused);
    }

    [Theory]
    [InlineData("get", "coordination.k8s.io", "leases", ChartRbac.ReleaseNamespace, "llm-operator-leader", true)]
    [InlineData("get", "coordination.k8s.io", "leases", "default", "llm-operator-leader", false)] // a Role: its namespace only
    [InlineData("get", "coordination.k8s.io", "leases", ChartRbac.ReleaseNamespace, "another-lease", false)] // resourceNames
    [InlineData("create", "coordination.k8s.io", "leases", ChartRbac.ReleaseNamespace, null, true)]
    [InlineData("update", "", "secrets", "default", "someone-elses", false)]
    [InlineData("patch", "", "pods", "default", "p", false)] // pods/status is granted, pods is not
    [InlineData("watch", "inference.llmoperator.dev", "modeldeployments", null, null, true)] // ClusterRole: all namespaces
    public void Allows_Should_FollowKubernetesRbac_When_Asked(string verb, string group, string resource, string? ns, string? name, bool allowed)
    {
        var request = new RequestAttributes("llm-operator/0.1.0", verb, group, "v1", resource, null, ns, name);

        Assert.Equal(allowed, Policy.Allows(request));
    }

    /// <summary>Fails with every problem spelled out (xUnit's collection diff cuts long strings short).</summary>
    private static void AssertNone(IEnumerable<string> problems)
    {
        var list = problems.ToList();
        Assert.True(list.Count == 0, string.Join(Environment.NewLine, list));
    }
}
