using System.Text.Json.Nodes;
using k8s;
using LlmOperator.Charts.Tests.Rendering;
using LlmOperator.Charts.Tests.Yaml;
using LlmOperator.Operator.Webhooks;
using LlmOperator.Operator.Webhooks.Configuration;

namespace LlmOperator.Charts.Tests.Templates;

/// <summary>The chart's webhook configurations against the operator's own (`operator webhook-config`).</summary>
public sealed class WebhookTemplateTests
{
    private static readonly IReadOnlyList<RenderedDocument> Defaults = ChartRenderer.Documents();

    /// <summary>Release "prod" in "ops", cert-manager on, and a policy and timeout other than the defaults.</summary>
    private static readonly IReadOnlyList<RenderedDocument> Prod = ChartRenderer.Documents(JsonNode.Parse(
        """{"webhook": {"failurePolicy": "Ignore", "timeoutSeconds": 5, "certManager": {"enabled": true}}}""")!.AsObject(), "prod", "ops");

    private static readonly string[] KindNames = ["ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"];

    public static TheoryData<string> Kinds() => [.. KindNames];

    private static JsonObject Document(IEnumerable<RenderedDocument> documents, string kind) => documents.Single(d => d.Kind == kind).Json;

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Webhooks_Should_MatchTheOperatorsConfiguration_When_TheReleaseSpecificFieldsAreSetAside(string kind)
    {
        var expected = Operators(kind)["webhooks"]!.AsArray().Select(w => Comparable(w!.AsObject())).ToList();

        var actual = Document(Defaults, kind)["webhooks"]!.AsArray().Select(w => Comparable(w!.AsObject())).ToList();

        Assert.Equal(expected.Count, actual.Count);
        foreach (var (want, got) in expected.Zip(actual))
            Assert.True(JsonNode.DeepEquals(want, got), $"{kind}: chart has\n{got.ToJsonString()}\noperator has\n{want.ToJsonString()}");
    }

    [Fact]
    public void Paths_Should_BeTheServersPaths_When_TheChartRoutesTheWebhooks()
    {
        var paths = KindNames.SelectMany(k => Document(Defaults, k)["webhooks"]!.AsArray())
            .ToDictionary(w => (string)w!["name"]!, w => (string?)w!["clientConfig"]!["service"]!["path"]);

        Assert.Equal(WebhookNames.ValidateModelDeploymentPath, paths[WebhookNames.ValidateModelDeployment]);
        Assert.Equal(WebhookNames.MutateModelDeploymentPath, paths[WebhookNames.DefaultModelDeployment]);
        Assert.Equal(WebhookNames.ValidateConfigMapPath, paths[WebhookNames.ValidateModelConfigMap]);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Configuration_Should_TakeNamesAndPolicyFromTheRelease_When_Rendered(string kind)
    {
        var configuration = Document(Prod, kind);

        Assert.Equal("prod-llm-operator", (string?)configuration["metadata"]!["name"]);
        Assert.Equal("ops/prod-llm-operator-webhook", (string?)configuration["metadata"]!["annotations"]!["cert-manager.io/inject-ca-from"]);
        foreach (var webhook in configuration["webhooks"]!.AsArray())
        {
            Assert.Equal(("Ignore", (long?)5), ((string?)webhook!["failurePolicy"], (long?)webhook["timeoutSeconds"]));
            Assert.Equal(("prod-llm-operator-webhook", "ops"),
                ((string?)webhook["clientConfig"]!["service"]!["name"], (string?)webhook["clientConfig"]!["service"]!["namespace"]));
            Assert.Null(webhook["clientConfig"]!["caBundle"]); // filled at run time; helm must not reset it
        }
    }

    [Fact]
    public void WebhookService_Should_ForwardHttpsToTheContainersWebhookPort_When_Rendered()
    {
        var service = Defaults.Single(d => d.Kind == "Service" && d.Name == "llm-operator-webhook").As<k8s.Models.V1Service>();
        var container = Defaults.Single(d => d.Kind == "Deployment").As<k8s.Models.V1Deployment>().Spec.Template.Spec.Containers.Single();

        var port = Assert.Single(service.Spec.Ports);

        Assert.Equal((443, "webhook"), (port.Port, port.TargetPort.Value));
        Assert.Contains(container.Ports, p => p.Name == "webhook");
    }

    [Fact]
    public void Certificate_Should_CoverTheWebhookServiceAndFillTheMountedSecret_When_CertManagerIssuesIt()
    {
        var certificate = Document(Prod, "Certificate");

        Assert.Equal("prod-llm-operator-webhook", (string?)certificate["metadata"]!["name"]);
        Assert.Equal("prod-llm-operator-webhook-tls", (string?)certificate["spec"]!["secretName"]);
        Assert.Equal(["prod-llm-operator-webhook.ops.svc", "prod-llm-operator-webhook.ops.svc.cluster.local"],
            certificate["spec"]!["dnsNames"]!.AsArray().Select(n => (string?)n));
        Assert.Equal("selfSigned", Document(Prod, "Issuer")["spec"]!.AsObject().Single().Key);
    }

    /// <summary>The operator's configuration as JSON, through the same serializer kubectl apply gets it from.</summary>
    private static JsonObject Operators(string kind)
    {
        var target = new WebhookTarget();
        object configuration = kind == "MutatingWebhookConfiguration" ? WebhookConfigurations.Mutating(target) : WebhookConfigurations.Validating(target);
        return YamlJson.Single(KubernetesYaml.Serialize(configuration), kind).AsObject();
    }

    /// <summary>A webhook without the fields that the release sets (Service name and namespace, policy, timeout).</summary>
    private static JsonObject Comparable(JsonObject webhook)
    {
        var copy = webhook.DeepClone().AsObject();
        copy.Remove("failurePolicy");
        copy.Remove("timeoutSeconds");
        var service = copy["clientConfig"]!["service"]!.AsObject();
        service.Remove("name");
        service.Remove("namespace");
        return copy;
    }
}
