using System.Net;
using System.Text.Json.Nodes;
using k8s;
using Xunit.Abstractions;
using LlmOperator.LocalCluster;
using LlmOperator.Operator.Cli;
using LlmOperator.Operator.Tests.Webhooks.Support;
using LlmOperator.Operator.Webhooks;

namespace LlmOperator.Operator.Tests.Webhooks;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WebhookClusterCollection
{
    public const string Name = "Webhooks on the local cluster";
}

/// <summary>
/// One local control plane with the CRD, the operator's webhook server and its configurations, shared by the tests
/// of the class (each uses its own object names).
/// </summary>
public sealed class WebhookClusterFixture : IAsyncLifetime
{
    public LocalClusterHost Cluster { get; private set; } = null!;
    public WebhookServer Server { get; private set; } = null!;
    public Kubectl Kubectl { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = await LocalClusterHost.StartAsync(StandardCluster.Options(nodes: 1, gpusPerNode: 0));
        Kubectl = new Kubectl(Cluster.KubeconfigPath);
        var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(Cluster.KubeconfigPath));
        // Started before its configurations exist, as when the chart and the operator come up together: the
        // maintenance pass sets the caBundle once they do.
        Server = new WebhookServer(new WebhookServerOptions
        {
            Port = 0, Address = IPAddress.Loopback, MaintenanceInterval = TimeSpan.FromMilliseconds(200),
        }, client);
        await Server.StartAsync(CancellationToken.None);

        await Kubectl.SucceedAsync("apply", "-f", RepositoryPaths.Of("crds", "modeldeployments.inference.llmoperator.dev.yaml"));
        await Kubectl.SucceedAsync("wait", "--for=condition=Established", "crd/modeldeployments.inference.llmoperator.dev", "--timeout=20s");
        var yaml = new StringWriter();
        Assert.Equal(0, WebhookConfigCommand.Run(WebhookNames.Service, WebhookNames.Namespace, 443, $"https://127.0.0.1:{Server.Port}", null, yaml, TextWriter.Null));
        await Kubectl.SucceedAsync("apply", "-f", Kubectl.WriteFile("webhooks.yaml", yaml.ToString()));
        await WaitForCaBundleAsync(client);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Kubectl.Dispose();
        await Cluster.DisposeAsync();
    }

    private static async Task WaitForCaBundleAsync(IKubernetes client)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var validating = await client.AdmissionregistrationV1.ReadValidatingWebhookConfigurationAsync(WebhookNames.Configuration, cancellationToken: patience.Token);
            var mutating = await client.AdmissionregistrationV1.ReadMutatingWebhookConfigurationAsync(WebhookNames.Configuration, cancellationToken: patience.Token);
            var configs = validating.Webhooks.Select(w => w.ClientConfig).Concat(mutating.Webhooks.Select(w => w.ClientConfig)).ToList();
            if (configs.Count == 3 && configs.All(c => c.CaBundle is { Length: > 0 })) return;
            await Task.Delay(100, patience.Token);
        }
    }
}

/// <summary>
/// The product path on the local control plane: the API server calls the operator's webhooks over HTTPS, trusting the
/// caBundle the operator patched in, and the real kubectl shows the outcome.
/// </summary>
[Collection(WebhookClusterCollection.Name)]
public sealed class WebhooksIntegrationTest(WebhookClusterFixture cluster, ITestOutputHelper output) : IClassFixture<WebhookClusterFixture>
{
    private Kubectl Kubectl => cluster.Kubectl;

    [KubectlFact]
    public async Task KubectlApply_Should_FailImmediatelyWithTheRulesMessage_When_TheResourceIsInvalid()
    {
        var (code, _, stderr) = await Kubectl.RunAsync("apply", "-f", RepositoryPaths.Of("examples", "invalid", "tp-does-not-divide-heads.yaml"));
        output.WriteLine(stderr);

        Assert.Equal(1, code);
        Assert.Contains($"admission webhook \"{WebhookNames.ValidateModelDeployment}\" denied the request: " +
                        "ModelDeployment default/scout-tp3 is invalid (4 errors):", stderr);
        Assert.Contains("  * spec.engine.tensorParallelSize [tp-attention-heads]: tensorParallelSize 3 does not divide the 40 attention heads " +
                        "of meta-llama/Llama-4-Scout-17B-16E-Instruct. Fix: TP values that work for meta-llama/Llama-4-Scout-17B-16E-Instruct: 1, 2, 4, 8.", stderr);
        var (getCode, _, _) = await Kubectl.RunAsync("get", "md", "scout-tp3");
        Assert.NotEqual(0, getCode);
    }

    [KubectlFact]
    public async Task KubectlApply_Should_StoreDefaultsAndPrintWarnings_When_TheResourceIsValid()
    {
        var (code, stdout, stderr) = await Kubectl.RunAsync("apply", "-f", RepositoryPaths.Of("examples", "llama4-scout-tp4-4096.yaml"));
        output.WriteLine(stderr + stdout);

        Assert.True(code == 0, stderr);
        Assert.Contains("modeldeployment.inference.llmoperator.dev/llama4-scout created", stdout);
        Assert.Contains("Warning: spec.engine.maxModelLen [max-model-len-below-chunk]: maxModelLen 4,096 is below attention_chunk_size 8,192", stderr);
        var stored = JsonNode.Parse(await Kubectl.SucceedAsync("get", "md", "llama4-scout", "-o", "json"))!;
        Assert.Equal(8192, (int)stored["spec"]!["engine"]!["maxNumBatchedTokens"]!);
        Assert.Equal(4096, (int)stored["spec"]!["engine"]!["maxModelLen"]!);
    }

    [KubectlFact]
    public async Task KubectlApply_Should_RefuseABrokenModelConfigAndWarnAboutAnInvalidatingOne_When_AResourceUsesIt()
    {
        string example = File.ReadAllText(RepositoryPaths.Of("examples", "invalid", "block-size-does-not-divide-chunk.yaml"));
        string Labelled(string text) => text.Replace("metadata: {name: odd-chunk-config, namespace: default}",
            $"metadata: {{name: odd-chunk-config, namespace: default, labels: {{{WebhookNames.ModelConfigLabel}: \"true\"}}}}");
        await Kubectl.SucceedAsync("apply", "-f", Write("valid.yaml", Labelled(example.Replace("\"attention_chunk_size\": 1000", "\"attention_chunk_size\": 1024"))));

        var broken = await Kubectl.RunAsync("apply", "-f", Write("broken.yaml", Labelled(example.Replace("{\"model_type\"", "{{\"model_type\""))));
        var invalidating = await Kubectl.RunAsync("apply", "-f", Write("chunk-1000.yaml", Labelled(example)));
        output.WriteLine(broken.Stderr + invalidating.Stderr + invalidating.Stdout);

        Assert.Equal(1, broken.Code);
        Assert.Contains($"admission webhook \"{WebhookNames.ValidateModelConfigMap}\" denied the request: ConfigMap default/odd-chunk-config is invalid", broken.Stderr);
        Assert.Contains("Used by ModelDeployment odd-chunk.", broken.Stderr);
        Assert.True(invalidating.Code == 0, invalidating.Stderr);
        Assert.Contains("Warning: ModelDeployment odd-chunk becomes invalid: spec.engine.blockSize [attention-chunk-block-multiple]", invalidating.Stderr);
    }

    private string Write(string name, string text) => Kubectl.WriteFile(name, text);
}
