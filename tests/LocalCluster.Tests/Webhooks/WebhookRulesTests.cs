using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Admission;
using LlmOperator.LocalCluster.Storage;
using LlmOperator.LocalCluster.Webhooks;

namespace LlmOperator.LocalCluster.Tests.Webhooks;

public sealed class WebhookRulesTests
{
    [Theory]
    [InlineData("pods", null, true)]
    [InlineData("pods", "status", false)]
    [InlineData("*", null, true)]
    [InlineData("*", "status", false)]
    [InlineData("*/*", "status", true)]
    [InlineData("pods/*", "log", true)]
    [InlineData("*/status", "status", true)]
    [InlineData("pods/status", null, false)]
    [InlineData("deployments", null, false)]
    public void RuleMatches_Should_ReadSubresourceSyntax_When_ResourcesAreGiven(string resource, string? subresource, bool expected)
    {
        var rule = Rule($$"""{"operations": ["*"], "apiGroups": [""], "apiVersions": ["v1"], "resources": ["{{resource}}"]}""");

        Assert.Equal(expected, WebhookRules.RuleMatches(rule, Request(BuiltInTypes.Pods, AdmissionOperation.Update, subresource)));
    }

    [Theory]
    [InlineData("Namespaced", "pods", true)]
    [InlineData("Namespaced", "namespaces", false)]
    [InlineData("Cluster", "namespaces", true)]
    [InlineData("*", "namespaces", true)]
    public void RuleMatches_Should_HonourScope_When_OneIsSet(string scope, string plural, bool expected)
    {
        var type = plural == "pods" ? BuiltInTypes.Pods : BuiltInTypes.Namespaces;
        var rule = Rule($$"""{"operations": ["CREATE"], "apiGroups": ["*"], "apiVersions": ["*"], "resources": ["*"], "scope": "{{scope}}"}""");

        Assert.Equal(expected, WebhookRules.RuleMatches(rule, Request(type, AdmissionOperation.Create, null)));
    }

    [Fact]
    public void RuleMatches_Should_Refuse_When_TheOperationIsNotListed()
    {
        var rule = Rule("""{"operations": ["CREATE"], "apiGroups": ["*"], "apiVersions": ["*"], "resources": ["*"]}""");

        Assert.False(WebhookRules.RuleMatches(rule, Request(BuiltInTypes.Pods, AdmissionOperation.Delete, null)));
    }

    [Theory]
    [InlineData("""{"matchLabels": {"app": "web"}}""", true)]
    [InlineData("""{"matchLabels": {"app": "db"}}""", false)]
    [InlineData("""{"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["gpu"]}]}""", true)]
    [InlineData("""{"matchExpressions": [{"key": "app", "operator": "In", "values": ["web", "api"]}, {"key": "tier", "operator": "DoesNotExist"}]}""", true)]
    [InlineData("""{"matchExpressions": [{"key": "tier", "operator": "Exists"}]}""", false)]
    [InlineData("{}", true)]
    public void Matches_Should_EvaluateLabelSelectors_When_Given(string selector, bool expected)
    {
        var labels = new Dictionary<string, string> { ["app"] = "web" };

        Assert.Equal(expected, LabelSelectorMatch.Matches(JsonNode.Parse(selector), labels));
    }

    private static JsonObject Rule(string json) => JsonNode.Parse(json)!.AsObject();

    private static AdmissionRequest Request(ResourceType type, AdmissionOperation operation, string? subresource) =>
        new(type, operation, type.Namespaced ? "default" : null, "x", new JsonObject(), null, subresource);
}
