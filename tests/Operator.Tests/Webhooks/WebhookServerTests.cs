using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Admission;
using LlmOperator.LocalCluster.Storage;
using LlmOperator.LocalCluster.Webhooks;
using LlmOperator.Operator.Tests.Webhooks.Support;
using LlmOperator.Operator.Webhooks;
using LlmOperator.Operator.Webhooks.Certificates;
using LlmOperator.Operator.Webhooks.Configuration;
using static LlmOperator.Operator.Tests.Webhooks.Support.LocalAdmission;

namespace LlmOperator.Operator.Tests.Webhooks;

/// <summary>
/// The server over real HTTPS, called by the local control plane's webhook client and admission plugins (the code
/// its API server runs): caBundle verification, AdmissionReview v1 both ways, denials, warnings, patches.
/// </summary>
public sealed class WebhookServerTests : IAsyncLifetime
{
    private readonly FakeAdmissionLookups _lookups = new();
    private readonly ObjectStore _store = new();
    private readonly WebhookClient _client = new();
    private WebhookServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = new WebhookServer(new WebhookServerOptions { Port = 0, Address = IPAddress.Loopback }, kubernetes: null, lookups: _lookups);
        await _server.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    private void Register(string? caPem)
    {
        var target = new WebhookTarget { Url = $"https://127.0.0.1:{_server.Port}", CaBundlePem = caPem };
        _store.Create(BuiltInTypes.ValidatingWebhookConfigurations, Manifests.ToJson(WebhookConfigurations.Validating(target)));
        _store.Create(BuiltInTypes.MutatingWebhookConfigurations, Manifests.ToJson(WebhookConfigurations.Mutating(target)));
    }

    [Fact]
    public async Task Validating_Should_RejectWithEveryFinding_When_TheLocalApiServerCallsOverHttps()
    {
        Register(_server.Certificate!.CaPem);
        var request = Request(Manifests.ModelDeployment("examples", "invalid", "tp-does-not-divide-heads.yaml"));

        var error = await Assert.ThrowsAsync<ApiError>(() => new ValidatingWebhookAdmission(_store, _client).AdmitAsync(request, CancellationToken.None));

        Assert.Equal(403, error.Code);
        Assert.StartsWith($"modeldeployments.inference.llmoperator.dev \"scout-tp3\" is forbidden: admission webhook \"{WebhookNames.ValidateModelDeployment}\" " +
                          "denied the request: ModelDeployment default/scout-tp3 is invalid (4 errors):\n  * spec.engine.tensorParallelSize [tp-attention-heads]",
            error.Message);
        Assert.Contains("Fix: TP values that work for meta-llama/Llama-4-Scout-17B-16E-Instruct: 1, 2, 4, 8.", error.Message);
    }

    [Fact]
    public async Task Validating_Should_AdmitWithWarnings_When_TheResourceIsValid()
    {
        Register(_server.Certificate!.CaPem);
        var request = Request(Manifests.ModelDeployment("examples", "llama4-scout-tp4-4096.yaml"));

        var outcome = await new ValidatingWebhookAdmission(_store, _client).AdmitAsync(request, CancellationToken.None);

        Assert.Contains(outcome.Warnings, w => w.StartsWith("spec.engine.maxModelLen [max-model-len-below-chunk]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Mutating_Should_StoreTheDefaults_When_TheSpecNamesOnlyTheModel()
    {
        Register(_server.Certificate!.CaPem);
        var minimal = Manifests.ModelDeploymentYaml("""
            apiVersion: inference.llmoperator.dev/v1alpha1
            kind: ModelDeployment
            metadata: {name: minimal, namespace: default}
            spec: {model: {name: llmoperator/tiny-llama4}}
            """);

        var outcome = await new MutatingWebhookAdmission(_store, _client).AdmitAsync(Request(minimal), CancellationToken.None);

        Assert.Equal(8192, (int)outcome.Object!["spec"]!["engine"]!["maxNumBatchedTokens"]!);
        Assert.Equal(1, (int)outcome.Object["spec"]!["engine"]!["tensorParallelSize"]!);
    }

    [Fact]
    public async Task Validating_Should_FailTheCall_When_TheCaBundleIsAnotherCa()
    {
        Register(SelfSignedCertificates.Create(["127.0.0.1"], TimeSpan.FromDays(1)).CaPem);
        var request = Request(Manifests.ModelDeployment("examples", "tiny-llama4.yaml"));

        var error = await Assert.ThrowsAsync<ApiError>(() => new ValidatingWebhookAdmission(_store, _client).AdmitAsync(request, CancellationToken.None));

        Assert.Equal(500, error.Code);
        Assert.Contains($"failed calling webhook \"{WebhookNames.ValidateModelDeployment}\"", error.Message);
    }

    [Fact]
    public async Task Post_Should_Answer400_When_TheBodyIsNotAnAdmissionReview()
    {
        using var http = TrustingClient(_server.Certificate!.CaPem!);

        var wrongKind = await http.PostAsJsonAsync($"https://127.0.0.1:{_server.Port}{WebhookNames.ValidateModelDeploymentPath}",
            new { apiVersion = "admission.k8s.io/v1beta1", kind = "AdmissionReview", request = new { uid = "1" } });
        var notJson = await http.PostAsync($"https://127.0.0.1:{_server.Port}{WebhookNames.MutateModelDeploymentPath}", new StringContent("{"));

        Assert.Equal(HttpStatusCode.BadRequest, wrongKind.StatusCode);
        Assert.Contains("expected an admission.k8s.io/v1 AdmissionReview with a request, got apiVersion 'admission.k8s.io/v1beta1'",
            await wrongKind.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
    }

    [Fact]
    public async Task Post_Should_EchoTheUidInAnAdmissionReview_When_Answering()
    {
        using var http = TrustingClient(_server.Certificate!.CaPem!);
        var review = new JsonObject
        {
            ["apiVersion"] = "admission.k8s.io/v1", ["kind"] = "AdmissionReview",
            ["request"] = new JsonObject { ["uid"] = "705ab4f5-6393-11e8-b7cc-42010a800002", ["operation"] = "DELETE", ["namespace"] = "default", ["name"] = "x" },
        };

        var response = await http.PostAsJsonAsync($"https://127.0.0.1:{_server.Port}{WebhookNames.ValidateModelDeploymentPath}", review);

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("""{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"705ab4f5-6393-11e8-b7cc-42010a800002","allowed":true}}""",
            body.ToJsonString());
    }

    [Fact]
    public async Task StartAsync_Should_ServeTheMountedCertificate_When_TheFolderHasOne()
    {
        var directory = Directory.CreateTempSubdirectory("webhook-mounted-").FullName;
        var mounted = SelfSignedCertificates.Create(["127.0.0.1"], TimeSpan.FromDays(30));
        File.WriteAllText(Path.Combine(directory, "tls.crt"), mounted.CertificatePem);
        File.WriteAllText(Path.Combine(directory, "tls.key"), mounted.PrivateKeyPem);
        // No address: every interface, as in a pod.
        await using var server = new WebhookServer(new WebhookServerOptions { Port = 0, CertificateDirectory = directory },
            kubernetes: null, lookups: _lookups);
        await server.StartAsync(CancellationToken.None);
        using var http = TrustingClient(mounted.CaPem);

        var response = await http.PostAsync($"https://127.0.0.1:{server.Port}{WebhookNames.ValidateModelDeploymentPath}", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode); // the TLS handshake trusted the mounted certificate's CA
        Assert.Null(server.Certificate!.CaPem); // no ca.crt mounted: the caBundle is left to whoever issued the certificate
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task StartAsync_Should_RefuseNamingTheFolder_When_NoCertificateIsMountedAndGeneratingIsOff()
    {
        var directory = Directory.CreateTempSubdirectory("webhook-empty-").FullName;
        await using var server = new WebhookServer(new WebhookServerOptions
        {
            Port = 0, Address = IPAddress.Loopback, CertificateDirectory = directory, GenerateCertificate = false,
        }, kubernetes: null, lookups: _lookups);

        var error = await Assert.ThrowsAsync<CertificateException>(() => server.StartAsync(CancellationToken.None));

        Assert.StartsWith($"{directory}: no tls.crt and tls.key; mount the webhook's TLS Secret there", error.Message);
        Directory.Delete(directory);
    }
}
