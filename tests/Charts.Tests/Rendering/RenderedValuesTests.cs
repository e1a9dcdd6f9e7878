using System.Text.Json.Nodes;
using k8s.Models;

namespace LlmOperator.Charts.Tests.Rendering;

/// <summary>What particular values do to the rendered manifests.</summary>
public sealed class RenderedValuesTests
{
    private static RenderedDocument Single(IEnumerable<RenderedDocument> documents, string kind) => Assert.Single(documents, d => d.Kind == kind);

    private static V1Container Operator(IEnumerable<RenderedDocument> documents) =>
        Assert.Single(Single(documents, "Deployment").As<V1Deployment>().Spec.Template.Spec.Containers);

    [Fact]
    public void Deployment_Should_WatchOneNamespace_When_WatchNamespaceIsSet()
    {
        var scenario = RenderScenario.All["watchNamespace"];

        var args = Operator(ChartRenderer.Documents(scenario.ValuesObject)).Args;

        Assert.Contains("--namespace=team-a", args);
        Assert.DoesNotContain(Operator(ChartRenderer.Documents()).Args, a => a.StartsWith("--namespace", StringComparison.Ordinal));
    }

    [Fact]
    public void Webhooks_Should_UseCertManagersCertificate_When_CertManagerIsEnabled()
    {
        var documents = ChartRenderer.Documents(RenderScenario.All["certManager"].ValuesObject, "prod", "ops");
        var container = Operator(documents);

        Assert.Contains("--webhook-cert-dir=/etc/llm-operator/webhook-tls", container.Args);
        Assert.DoesNotContain(container.Args, a => a.StartsWith("--webhook-cert-secret", StringComparison.Ordinal));
        var certificate = Single(documents, "Certificate").Json;
        Assert.Equal("prod-llm-operator-webhook-tls", (string?)certificate["spec"]!["secretName"]);
        Assert.Equal(["prod-llm-operator-webhook.ops.svc", "prod-llm-operator-webhook.ops.svc.cluster.local"],
            certificate["spec"]!["dnsNames"]!.AsArray().Select(n => (string?)n));
        foreach (var kind in new[] { "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration" })
            Assert.Equal("ops/prod-llm-operator-webhook", (string?)Single(documents, kind).Json["metadata"]!["annotations"]!["cert-manager.io/inject-ca-from"]);
    }

    [Fact]
    public void DashboardConfigMap_Should_CarryTheDashboardFile_When_GrafanaDashboardIsEnabled()
    {
        var documents = ChartRenderer.Documents(RenderScenario.All["everyOptional"].ValuesObject);

        var configMap = Single(documents, "ConfigMap").As<V1ConfigMap>();

        Assert.Equal("1", configMap.Metadata.Labels["grafana_dashboard"]);
        var expected = JsonNode.Parse(File.ReadAllText(ChartFiles.Of("dashboards", "llm-operator.json")));
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(configMap.Data["llm-operator.json"])),
            "the ConfigMap's llm-operator.json differs from dashboards/llm-operator.json");
    }
}
