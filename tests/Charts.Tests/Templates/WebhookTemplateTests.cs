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
    private static readonly TemplateSkeleton Webhooks = ChartFiles.Skeleton("webhooks.yaml");

    private static readonly string[] KindNames = ["ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"];

    public static TheoryData<string> Kinds() => [.. KindNames];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Webhooks_Should_MatchTheOperatorsConfiguration_When_TheReleaseSpecificFieldsAreSetAside(string kind)
    {
        var expected = Operators(kind)["webhooks"]!.AsArray().Select(w => Comparable(w!.AsObject())).ToList();

        var actual = Webhooks.Document(kind)["webhooks"]!.AsArray().Select(w => Comparable(w!.AsObject())).ToList();

        Assert.Equal(expected.Count, actual.Count);
        foreach (var (want, got) in expected.Zip(actual))
            Assert.True(JsonNode.DeepEquals(want, got), $"{kind}: chart has\n{got.ToJsonString()}\noperator has\n{want.ToJsonString()}");
    }

    [Fact]
    public void Paths_Should_BeTheServersPaths_When_TheChartRoutesTheWebhooks()
    {
        var paths = KindNames.SelectMany(k => Webhooks.Document(k)["webhooks"]!.AsArray())
            .ToDictionary(w => (string)w!["name"]!, w => (string?)w!["clientConfig"]!["service"]!["path"]);

        Assert.Equal(WebhookNames.ValidateModelDeploymentPath, paths[WebhookNames.ValidateModelDeployment]);
        Assert.Equal(WebhookNames.MutateModelDeploymentPath, paths[WebhookNames.DefaultModelDeployment]);
        Assert.Equal(WebhookNames.ValidateConfigMapPath, paths[WebhookNames.ValidateModelConfigMap]);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Configuration_Should_TakeNamesAndPolicyFromTheRelease_When_Rendered(string kind)
    {
        var configuration = Webhooks.Document(kind);

        Assert.Equal("include \"llm-operator.fullname\" .", Webhooks.ExpressionOf(configuration["metadata"]!["name"]));
        Assert.Equal(["include \"llm-operator.webhookCertificateName\" ."],
            Webhooks.ExpressionsIn((string)configuration["metadata"]!["annotations"]!["cert-manager.io/inject-ca-from"]!).Skip(1));
        foreach (var webhook in configuration["webhooks"]!.AsArray())
        {
            Assert.Equal(".Values.webhook.failurePolicy", Webhooks.ExpressionOf(webhook!["failurePolicy"]));
            Assert.Equal(".Values.webhook.timeoutSeconds", Webhooks.ExpressionOf(webhook["timeoutSeconds"]));
            Assert.Equal("include \"llm-operator.webhookServiceName\" .", Webhooks.ExpressionOf(webhook["clientConfig"]!["service"]!["name"]));
            Assert.Null(webhook["clientConfig"]!["caBundle"]); // filled at run time; helm must not reset it
        }
    }

    [Fact]
    public void WebhookService_Should_ForwardHttpsToTheContainersWebhookPort_When_Rendered()
    {
        var service = ChartFiles.Skeleton("services.yaml").Documents.OfType<JsonObject>()
            .Single(d => (string?)d["metadata"]!["labels"]!["app.kubernetes.io/component"] == "webhook");
        var container = ChartFiles.Skeleton("deployment.yaml").Document("Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!;

        var port = service["spec"]!["ports"]!.AsArray().Single()!;

        Assert.Equal((443, "webhook"), ((long?)port["port"], (string?)port["targetPort"]));
        Assert.Contains(container["ports"]!.AsArray(), p => (string?)p!["name"] == "webhook");
    }

    [Fact]
    public void Certificate_Should_CoverTheWebhookServiceAndFillTheMountedSecret_When_CertManagerIssuesIt()
    {
        var certificates = ChartFiles.Skeleton("certificate.yaml");
        var certificate = certificates.Document("Certificate");

        var dnsNames = certificate["spec"]!["dnsNames"]!.AsArray().Select(n => (string)n!).ToList();

        Assert.Equal("include \"llm-operator.webhookCertificateName\" .", certificates.ExpressionOf(certificate["metadata"]!["name"]));
        Assert.Equal("include \"llm-operator.webhookCertSecretName\" .", certificates.ExpressionOf(certificate["spec"]!["secretName"]));
        Assert.All(dnsNames, n => Assert.Equal(["include \"llm-operator.webhookServiceName\" .", ".Release.Namespace"], certificates.ExpressionsIn(n)));
        Assert.Equal([".svc", ".svc.cluster.local"], dnsNames.Select(n => n[n.IndexOf(".svc", StringComparison.Ordinal)..]));
        Assert.Equal("selfSigned", certificates.Document("Issuer")["spec"]!.AsObject().Single().Key);
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
