using System.Text;
using k8s;
using k8s.Models;
using LlmOperator.Operator.Cli;
using LlmOperator.Operator.Webhooks;
using LlmOperator.Operator.Webhooks.Certificates;
using LlmOperator.Operator.Webhooks.Configuration;

namespace LlmOperator.Operator.Tests.Webhooks.Configuration;

public sealed class WebhookConfigurationsTests
{
    private static (int Exit, string Out, string Err) Run(string? url = null, string? caBundle = null, int port = 443)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = WebhookConfigCommand.Run("llm-operator-webhook", "llm-operator", port, url, caBundle, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static (V1ValidatingWebhookConfiguration Validating, V1MutatingWebhookConfiguration Mutating) Parse(string yaml)
    {
        var objects = KubernetesYaml.LoadAllFromString(yaml);
        return (objects.OfType<V1ValidatingWebhookConfiguration>().Single(), objects.OfType<V1MutatingWebhookConfiguration>().Single());
    }

    [Fact]
    public void Run_Should_PrintFailClosedV1WebhooksForModelDeployments_When_GivenAService()
    {
        var (exit, stdout, _) = Run();

        Assert.Equal(0, exit);
        var (validating, mutating) = Parse(stdout);
        var all = validating.Webhooks.Select(w => (w.Name, w.FailurePolicy, w.SideEffects, w.TimeoutSeconds, w.AdmissionReviewVersions, w.ClientConfig, w.Rules))
            .Concat(mutating.Webhooks.Select(w => (w.Name, w.FailurePolicy, w.SideEffects, w.TimeoutSeconds, w.AdmissionReviewVersions, w.ClientConfig, w.Rules)))
            .ToList();
        Assert.Equal(3, all.Count);
        Assert.All(all, w =>
        {
            Assert.Equal(("Fail", "None", 5), (w.FailurePolicy, w.SideEffects, w.TimeoutSeconds));
            Assert.Equal(["v1"], w.AdmissionReviewVersions);
            Assert.Equal(("llm-operator-webhook", "llm-operator", 443), (w.ClientConfig.Service.Name, w.ClientConfig.Service.NamespaceProperty, w.ClientConfig.Service.Port));
            Assert.Null(w.ClientConfig.Url);
        });
        var modelDeployments = validating.Webhooks.Single(w => w.Name == WebhookNames.ValidateModelDeployment);
        var rule = Assert.Single(modelDeployments.Rules);
        Assert.Equal(["CREATE", "UPDATE"], rule.Operations);
        Assert.Equal(["inference.llmoperator.dev"], rule.ApiGroups);
        Assert.Equal(["v1alpha1"], rule.ApiVersions);
        Assert.Equal(["modeldeployments"], rule.Resources);
        Assert.Equal("/validate-modeldeployment", modelDeployments.ClientConfig.Service.Path);
        Assert.Equal("/mutate-modeldeployment", Assert.Single(mutating.Webhooks).ClientConfig.Service.Path);
    }

    [Fact]
    public void Run_Should_SendOnlyLabelledConfigMaps_When_PrintingTheConfigMapWebhook()
    {
        var (validating, _) = Parse(Run().Out);

        var configMaps = validating.Webhooks.Single(w => w.Name == WebhookNames.ValidateModelConfigMap);
        var requirement = Assert.Single(configMaps.ObjectSelector.MatchExpressions);
        Assert.Equal((WebhookNames.ModelConfigLabel, "Exists"), (requirement.Key, requirement.OperatorProperty));
        Assert.Equal(["configmaps"], Assert.Single(configMaps.Rules).Resources);
        Assert.Equal("/validate-configmap", configMaps.ClientConfig.Service.Path);
    }

    [Fact]
    public void Run_Should_PointEveryWebhookAtTheUrlWithTheCa_When_GivenUrlAndCaBundle()
    {
        var ca = SelfSignedCertificates.Create(["127.0.0.1"], TimeSpan.FromDays(1)).CaPem;
        var file = Path.Combine(Directory.CreateTempSubdirectory("webhook-ca-").FullName, "ca.crt");
        File.WriteAllText(file, ca);

        var (exit, stdout, _) = Run(url: "https://127.0.0.1:9443/", caBundle: file);

        Assert.Equal(0, exit);
        var (validating, mutating) = Parse(stdout);
        var configs = validating.Webhooks.Select(w => w.ClientConfig).Concat(mutating.Webhooks.Select(w => w.ClientConfig)).ToList();
        Assert.Equal(["https://127.0.0.1:9443/validate-modeldeployment", "https://127.0.0.1:9443/validate-configmap",
            "https://127.0.0.1:9443/mutate-modeldeployment"], configs.Select(c => c.Url));
        Assert.All(configs, c => Assert.Equal(ca, Encoding.UTF8.GetString(c.CaBundle)));
        Assert.All(configs, c => Assert.Null(c.Service));
    }

    [Theory]
    [InlineData("http://127.0.0.1:9443", "must be an absolute https URL")]
    [InlineData("127.0.0.1:9443", "must be an absolute https URL")]
    [InlineData("https://127.0.0.1:9443/?x=1", "without a query")]
    public void Run_Should_ExitTwo_When_TheUrlIsNotHttps(string url, string message)
    {
        var (exit, stdout, stderr) = Run(url: url);

        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.Contains(message, stderr);
    }

    [Fact]
    public void Run_Should_ExitTwoNamingTheFile_When_TheCaBundleIsNotPem()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("webhook-ca-").FullName, "ca.crt");
        File.WriteAllText(file, "not a certificate");

        var (exit, _, stderr) = Run(caBundle: file);
        var (missingExit, _, missingErr) = Run(caBundle: file + ".missing");

        Assert.Equal((2, 2), (exit, missingExit));
        Assert.Contains($"--ca-bundle {file}: no PEM certificate", stderr);
        Assert.Contains($"--ca-bundle {file}.missing:", missingErr);
    }
}
