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

    [Fact]
    public void Rbac_Should_RenderTheRulesTheSkeletonGives_When_ValuesAreTheDefaults()
    {
        // tests/Operator.Tests/Rbac/ChartRbac reads rbac.yaml through HelmSkeleton with these include results; the real
        // render must agree, or the operator's recorded requests are checked against rules helm would not install.
        var skeleton = HelmSkeleton.Documents(HelmSkeleton.Render(ChartFiles.Of("templates", "rbac.yaml"), new Dictionary<string, string>
        {
            ["include llm-operator.fullname"] = ChartRenderer.Release,
            ["include llm-operator.serviceAccountName"] = ChartRenderer.Release,
            ["include llm-operator.webhookCertSecretName"] = ChartRenderer.Release + "-webhook-tls",
            ["Release.Namespace"] = ChartRenderer.Namespace,
        }));

        var output = ChartRenderer.Render(showOnly: "templates/rbac.yaml");

        Assert.Equal(0, output.ExitCode);
        var rendered = HelmSkeleton.Documents(output.Manifests);
        // The skeleton drops the `include "llm-operator.labels" | nindent` lines; labels grant nothing.
        foreach (var document in skeleton.Concat(rendered)) document["metadata"]!.AsObject().Remove("labels");
        Assert.Equal(skeleton.Count, rendered.Count);
        Assert.All(skeleton.Zip(rendered), pair => Assert.True(JsonNode.DeepEquals(pair.First, pair.Second),
            $"helm renders\n{pair.Second.ToJsonString()}\nbut the skeleton gives\n{pair.First.ToJsonString()}"));
    }
}
