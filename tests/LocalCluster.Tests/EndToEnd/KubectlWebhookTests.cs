using System.Net;
using System.Net.Sockets;
using LlmOperator.LocalCluster.Tests.Support;
using LlmOperator.LocalCluster.Tests.Webhooks;

namespace LlmOperator.LocalCluster.Tests.EndToEnd;

/// <summary>The whole local cluster and a real HTTPS admission webhook (Kestrel, a CA made for the test) it calls.</summary>
public sealed class WebhookClusterFixture : IAsyncLifetime
{
    public StandardClusterFixture Standard { get; } = new();

    public WebhookServer Webhook { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Standard.InitializeAsync();
        Webhook = await WebhookServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (Webhook is not null) await Webhook.DisposeAsync();
        await Standard.DisposeAsync();
    }
}

/// <summary>
/// Admission webhooks registered with kubectl and called by the API server on kubectl's writes, as on a cluster:
/// the user sees the webhook's denial message and warnings, and failurePolicy decides when the webhook is down.
/// Each test's webhooks match only ConfigMaps with its own label, and are removed when it ends.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class KubectlWebhookTests(WebhookClusterFixture fixture) : IClassFixture<WebhookClusterFixture>
{
    private LocalClusterHost Cluster => fixture.Standard.Cluster;

    [KubectlFact]
    public async Task Apply_Should_PrintTheWebhooksDenial_When_AValidatingWebhookRefuses()
    {
        using var kubectl = new Kubectl(Cluster.KubeconfigPath);
        var config = await RegisterAsync(kubectl, "ValidatingWebhookConfiguration", Webhook("deny.e2e.example.com", "deny", Url("deny")));

        var (code, _, stderr) = await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("denied.yaml", ConfigMap("denied", "deny")));
        var unmatched = await kubectl.SucceedAsync("apply", "-f", kubectl.WriteFile("other.yaml", ConfigMap("unmatched", "other")));
        await kubectl.SucceedAsync("delete", "-f", config);

        Assert.Equal(1, code);
        AssertMatches("^Error from server \\(Forbidden\\): error when creating \"[^\"]*/denied.yaml\": " +
            "configmaps \"denied\" is forbidden: admission webhook \"deny.e2e.example.com\" denied the request: replicas must be odd$", stderr.Trim());
        Assert.Equal("configmap/unmatched created", unmatched.Trim());
    }

    [KubectlFact]
    public async Task Apply_Should_PrintTheWebhooksWarning_When_AValidatingWebhookAllows()
    {
        using var kubectl = new Kubectl(Cluster.KubeconfigPath);
        var config = await RegisterAsync(kubectl, "ValidatingWebhookConfiguration", Webhook("allow.e2e.example.com", "allow", Url("allow")));

        var (code, stdout, stderr) = await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("allowed.yaml", ConfigMap("allowed", "allow")));
        await kubectl.SucceedAsync("delete", "-f", config);

        Assert.True(code == 0, stderr);
        Assert.Equal("configmap/allowed created", stdout.Trim());
        Assert.Equal("Warning: replicas above 3 cost GPUs", stderr.Trim());
    }

    [KubectlFact]
    public async Task Apply_Should_FollowFailurePolicy_When_TheWebhookIsDown()
    {
        using var kubectl = new Kubectl(Cluster.KubeconfigPath);
        var down = $"url: https://127.0.0.1:{ClosedPort()}/validate";
        var config = await RegisterAsync(kubectl, "ValidatingWebhookConfiguration",
            Webhook("fail.e2e.example.com", "down-fail", down, "Fail") + Webhook("ignore.e2e.example.com", "down-ignore", down, "Ignore"));

        var (failCode, _, failError) = await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("fail.yaml", ConfigMap("refused", "down-fail")));
        var ignored = await kubectl.SucceedAsync("apply", "-f", kubectl.WriteFile("ignore.yaml", ConfigMap("let-through", "down-ignore")));
        await kubectl.SucceedAsync("delete", "-f", config);

        Assert.Equal(1, failCode);
        AssertMatches("^Error from server \\(InternalError\\): error when creating \"[^\"]*/fail.yaml\": Internal error occurred: " +
            "failed calling webhook \"fail.e2e.example.com\": failed to call webhook: Post \"https://127.0.0.1:\\d+/validate\\?timeout=5s\": .*refused", failError.Trim());
        Assert.Equal("configmap/let-through created", ignored.Trim());
    }

    [KubectlFact]
    public async Task Apply_Should_StoreTheMutation_When_AMutatingWebhookIsReachedThroughItsService()
    {
        using var kubectl = new Kubectl(Cluster.KubeconfigPath);
        // A Service without a selector and hand-written Endpoints: the webhook runs outside the cluster, in this test.
        await kubectl.SucceedAsync("apply", "-f", kubectl.WriteFile("webhook-service.yaml", $$"""
            apiVersion: v1
            kind: Service
            metadata: {name: webhook}
            spec:
              ports: [{port: 443, targetPort: 8443}]
            ---
            apiVersion: v1
            kind: Endpoints
            metadata: {name: webhook}
            subsets:
            - addresses: [{ip: 127.0.0.1}]
              ports:
              - port: {{fixture.Webhook.Address.Port}}
            """));
        var config = await RegisterAsync(kubectl, "MutatingWebhookConfiguration",
            Webhook("mutate.e2e.example.com", "mutate", "service: {namespace: default, name: webhook, path: /mutate}"));

        var created = await kubectl.SucceedAsync("apply", "-f", kubectl.WriteFile("mutated.yaml", ConfigMap("mutated", "mutate")));
        var labels = await kubectl.SucceedAsync("get", "cm", "mutated", "-o", "jsonpath={.metadata.labels}");
        await kubectl.SucceedAsync("delete", "-f", config);

        Assert.Equal("configmap/mutated created", created.Trim());
        Assert.Equal("""{"mutated-by":"webhook"}""", labels);
        Assert.Contains(fixture.Webhook.Received, r => r.Path == "mutate" && (string?)r.Review["request"]!["name"] == "mutated");
    }

    /// <summary>Applies a webhook configuration with kubectl; returns its file, for the delete at the end.</summary>
    private static async Task<string> RegisterAsync(Kubectl kubectl, string kind, string webhooks)
    {
        var name = $"e2e-{Guid.NewGuid().ToString("N")[..8]}";
        var file = kubectl.WriteFile($"{name}.yaml", $"""
            apiVersion: admissionregistration.k8s.io/v1
            kind: {kind}
            metadata:
              name: {name}
            webhooks:
            {webhooks}
            """);
        Assert.Equal($"{kind.ToLowerInvariant()}.admissionregistration.k8s.io/{name} created", (await kubectl.SucceedAsync("apply", "-f", file)).Trim());
        return file;
    }

    /// <summary>One webhook for CREATE of ConfigMaps labelled <c>e2e-webhook: LABEL</c>, trusting the test's CA.</summary>
    private string Webhook(string name, string label, string target, string failurePolicy = "Fail") => $$"""
        - name: {{name}}
          clientConfig:
            {{target}}
            caBundle: {{fixture.Webhook.CaBundle}}
          rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [configmaps]}]
          objectSelector:
            matchLabels:
              e2e-webhook: {{label}}
          failurePolicy: {{failurePolicy}}
          sideEffects: None
          admissionReviewVersions: [v1]
          timeoutSeconds: 5

        """;

    private string Url(string path) => $"url: {new Uri(fixture.Webhook.Address, path)}";

    private static string ConfigMap(string name, string label) => $$"""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {{name}}
          labels:
            e2e-webhook: {{label}}
        data: {replicas: "2"}
        """;

    private static void AssertMatches(string pattern, string text) =>
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(text, pattern), $"kubectl printed: {text}");

    /// <summary>A loopback port nothing listens on: bound, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
