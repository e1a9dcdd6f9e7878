using k8s.Models;
using LlmOperator.LocalCluster.Controllers.Deployments;

namespace LlmOperator.LocalCluster.Tests.Controllers.Deployments;

public sealed class DeploymentValidationTests
{
    [Fact]
    public void Validate_Should_AcceptAValidDeployment() => Assert.Empty(DeploymentValidation.Validate(Valid()));

    [Fact]
    public void Validate_Should_NameEveryInvalidField()
    {
        var d = Valid();
        d.Spec.Replicas = -1;
        d.Spec.Template.Metadata.Labels = new Dictionary<string, string> { ["app"] = "other" };
        d.Spec.Strategy.RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = "ten", MaxUnavailable = "150%" };
        d.Spec.MinReadySeconds = 30;
        d.Spec.ProgressDeadlineSeconds = 10;

        var fields = DeploymentValidation.Validate(d).Select(f => f.Field).ToList();

        Assert.Equal(
        [
            "spec.replicas", "spec.template.metadata.labels", "spec.progressDeadlineSeconds",
            "spec.strategy.rollingUpdate.maxSurge", "spec.strategy.rollingUpdate.maxUnavailable",
        ], fields);
    }

    [Fact]
    public void Validate_Should_RejectRollingUpdateSettings_When_TheStrategyIsRecreate()
    {
        var d = Valid();
        d.Spec.Strategy.Type = "Recreate";

        var finding = Assert.Single(DeploymentValidation.Validate(d));
        Assert.Equal("spec.strategy.rollingUpdate", finding.Field);
    }

    [Fact]
    public void Validate_Should_RequireANonEmptySelector()
    {
        var d = Valid();
        d.Spec.Selector = new V1LabelSelector();

        Assert.Equal("spec.selector", Assert.Single(DeploymentValidation.Validate(d)).Field);
    }

    private static V1Deployment Valid() => new()
    {
        Spec = new V1DeploymentSpec
        {
            Replicas = 2,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
            Strategy = new V1DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = 1, MaxUnavailable = "25%" } },
            Template = new V1PodTemplateSpec { Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } } },
        },
    };
}
