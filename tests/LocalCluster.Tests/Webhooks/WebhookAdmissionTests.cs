using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Admission;
using LlmOperator.LocalCluster.Storage;
using LlmOperator.LocalCluster.Webhooks;

namespace LlmOperator.LocalCluster.Tests.Webhooks;

public sealed class WebhookAdmissionTests : IAsyncLifetime
{
    private readonly ObjectStore _store = new();
    private WebhookServer _server = null!;
    private WebhookClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await WebhookServer.StartAsync();
        _client = new WebhookClient((ns, name, port) => ns == "default" && name == "webhook" && port == 443 ? _server.Address : null);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Validating_Should_AllowAndPassWarningsOn_When_TheWebhookAllows()
    {
        AddValidating(Webhook("allow.example.com", Url("allow")));

        var outcome = await Validating().AdmitAsync(CreateDeployment(), CancellationToken.None);

        Assert.Equal(["replicas above 3 cost GPUs"], outcome.Warnings);
        var (path, review) = Assert.Single(_server.Received);
        Assert.Equal("allow", path);
        var request = review["request"]!;
        Assert.Equal("admission.k8s.io/v1", (string?)review["apiVersion"]);
        Assert.Equal("CREATE", (string?)request["operation"]);
        Assert.Equal("Deployment", (string?)request["kind"]!["kind"]);
        Assert.Equal("deployments", (string?)request["resource"]!["resource"]);
        Assert.Equal("default", (string?)request["namespace"]);
        Assert.Equal("web", (string?)request["object"]!["metadata"]!["name"]);
        Assert.False((bool)request["dryRun"]!);
        Assert.Equal("kubernetes-admin", (string?)request["userInfo"]!["username"]);
        Assert.True(Guid.TryParse((string?)request["uid"], out _));
    }

    [Fact]
    public async Task Validating_Should_RejectAsForbiddenWithTheMessage_When_TheWebhookDenies()
    {
        AddValidating(Webhook("deny.example.com", Url("deny")));

        var error = await Assert.ThrowsAsync<ApiError>(() => Validating().AdmitAsync(CreateDeployment(), CancellationToken.None));

        Assert.Equal(403, error.Code);
        Assert.Equal("Forbidden", error.Reason);
        Assert.Equal("deployments.apps \"web\" is forbidden: admission webhook \"deny.example.com\" denied the request: replicas must be odd", error.Message);
    }

    [Fact]
    public async Task Validating_Should_KeepTheWebhooksCodeAndReason_When_ItSetsThem()
    {
        AddValidating(Webhook("invalid.example.com", Url("deny-invalid")));

        var error = await Assert.ThrowsAsync<ApiError>(() => Validating().AdmitAsync(CreateDeployment(), CancellationToken.None));

        Assert.Equal(422, error.Code);
        Assert.Equal("Invalid", error.Reason);
        Assert.EndsWith("admission webhook \"invalid.example.com\" denied the request: spec.replicas is even", error.Message);
    }

    [Fact]
    public async Task Mutating_Should_ApplyTheJsonPatch_When_TheWebhookReturnsOne()
    {
        AddMutating(Webhook("mutate.example.com", Url("mutate")));

        var outcome = await new MutatingWebhookAdmission(_store, _client).AdmitAsync(CreateDeployment(), CancellationToken.None);

        Assert.Equal("webhook", (string?)outcome.Object!["metadata"]!["labels"]!["mutated-by"]);
        Assert.Equal(2L, (long)outcome.Object["spec"]!["replicas"]!);
    }

    [Theory]
    [InlineData("Fail", true)]
    [InlineData("Ignore", false)]
    public async Task FailurePolicy_Should_DecideTheAnswer_When_TheWebhookIsDown(string policy, bool rejected)
    {
        var webhook = Webhook("down.example.com", new JsonObject { ["url"] = $"https://127.0.0.1:{ClosedPort()}/validate", ["caBundle"] = _server.CaBundle });
        webhook["failurePolicy"] = policy;
        AddValidating(webhook);

        var call = Validating().AdmitAsync(CreateDeployment(), CancellationToken.None);

        if (rejected)
        {
            var error = await Assert.ThrowsAsync<ApiError>(() => call);
            Assert.Equal(500, error.Code);
            Assert.Equal("InternalError", error.Reason);
            Assert.StartsWith("Internal error occurred: failed calling webhook \"down.example.com\": failed to call webhook: Post \"https://127.0.0.1:", error.Message);
        }
        else
        {
            Assert.Empty((await call).Warnings);
        }
    }

    [Fact]
    public async Task Call_Should_Fail_When_TheWebhookAnswersAfterItsTimeout()
    {
        var webhook = Webhook("slow.example.com", Url("slow"));
        webhook["timeoutSeconds"] = 1;
        AddValidating(webhook);

        var error = await Assert.ThrowsAsync<ApiError>(() => Validating().AdmitAsync(CreateDeployment(), CancellationToken.None));

        Assert.Equal(500, error.Code);
        Assert.Contains("slow?timeout=1s\": context deadline exceeded", error.Message);
    }

    [Fact]
    public async Task Call_Should_Fail_When_TheCertificateIsNotFromTheCaBundle()
    {
        var (otherCa, _) = WebhookServer.Certificates();
        var config = Url("allow");
        config["caBundle"] = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(otherCa.ExportCertificatePem()));
        AddValidating(Webhook("untrusted.example.com", config));

        var error = await Assert.ThrowsAsync<ApiError>(() => Validating().AdmitAsync(CreateDeployment(), CancellationToken.None));

        Assert.Equal(500, error.Code);
        Assert.Empty(_server.Received);
    }

    [Fact]
    public async Task Call_Should_Fail_When_TheResponseUidIsNotTheRequests()
    {
        AddValidating(Webhook("uid.example.com", Url("wrong-uid")));

        var error = await Assert.ThrowsAsync<ApiError>(() => Validating().AdmitAsync(CreateDeployment(), CancellationToken.None));

        Assert.Contains("expected response.uid=", error.Message);
    }

    [Fact]
    public async Task Call_Should_ReachAService_When_ClientConfigNamesOne()
    {
        var config = new JsonObject
        {
            ["service"] = new JsonObject { ["namespace"] = "default", ["name"] = "webhook", ["path"] = "/allow" },
            ["caBundle"] = _server.CaBundle,
        };
        AddValidating(Webhook("service.example.com", config));

        var outcome = await Validating().AdmitAsync(CreateDeployment(), CancellationToken.None);

        Assert.Single(outcome.Warnings);
        Assert.Equal("allow", Assert.Single(_server.Received).Path);
    }

    [Fact]
    public async Task Webhooks_Should_NotBeCalled_When_RulesOrSelectorsDoNotMatch()
    {
        var podsOnly = Webhook("pods.example.com", Url("deny"));
        podsOnly["rules"]![0]!["apiGroups"] = new JsonArray("");
        podsOnly["rules"]![0]!["resources"] = new JsonArray("pods");
        var labelled = Webhook("labelled.example.com", Url("deny"));
        labelled["objectSelector"] = JsonNode.Parse("""{"matchLabels": {"webhook": "on"}}""");
        var otherNamespace = Webhook("namespace.example.com", Url("deny"));
        otherNamespace["namespaceSelector"] = JsonNode.Parse("""{"matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "In", "values": ["prod"]}]}""");
        AddValidating(podsOnly, labelled, otherNamespace);

        await Validating().AdmitAsync(CreateDeployment(), CancellationToken.None);

        Assert.Empty(_server.Received);
    }

    [Fact]
    public async Task DryRun_Should_BeRefused_When_TheWebhookHasSideEffects()
    {
        var webhook = Webhook("effects.example.com", Url("allow"));
        webhook["sideEffects"] = "Some";
        AddValidating(webhook);

        var error = await Assert.ThrowsAsync<ApiError>(() => Validating().AdmitAsync(CreateDeployment() with { DryRun = true }, CancellationToken.None));

        Assert.Equal(400, error.Code);
        Assert.Equal("admission webhook \"effects.example.com\" does not support dry run", error.Message);
    }

    private ValidatingWebhookAdmission Validating() => new(_store, _client);

    private JsonObject Url(string path) => new() { ["url"] = new Uri(_server.Address, path).ToString(), ["caBundle"] = _server.CaBundle };

    private static JsonObject Webhook(string name, JsonObject clientConfig) => new()
    {
        ["name"] = name,
        ["clientConfig"] = clientConfig,
        ["rules"] = JsonNode.Parse("""[{"operations": ["CREATE", "UPDATE"], "apiGroups": ["apps"], "apiVersions": ["v1"], "resources": ["deployments"], "scope": "Namespaced"}]"""),
        ["admissionReviewVersions"] = new JsonArray("v1"),
        ["sideEffects"] = "None",
    };

    private void AddValidating(params JsonObject[] webhooks) => Add(BuiltInTypes.ValidatingWebhookConfigurations, webhooks);

    private void AddMutating(params JsonObject[] webhooks) => Add(BuiltInTypes.MutatingWebhookConfigurations, webhooks);

    private void Add(ResourceType type, JsonObject[] webhooks) => _store.Create(type, new JsonObject
    {
        ["metadata"] = new JsonObject { ["name"] = "test-" + Guid.NewGuid().ToString("N")[..6] },
        ["webhooks"] = new JsonArray(webhooks.Select(w => (JsonNode)w).ToArray()),
    });

    private static AdmissionRequest CreateDeployment()
    {
        var deployment = JsonNode.Parse("""
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
             "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}}}
            """)!.AsObject();
        return new AdmissionRequest(BuiltInTypes.Deployments, AdmissionOperation.Create, "default", "web", deployment, null);
    }

    /// <summary>A loopback port nothing listens on: bound, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
