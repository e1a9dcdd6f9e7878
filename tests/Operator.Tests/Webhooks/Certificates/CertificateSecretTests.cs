using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using LlmOperator.Operator.Kubernetes;
using LlmOperator.Operator.Tests.Webhooks.Support;
using LlmOperator.Operator.Webhooks.Certificates;

namespace LlmOperator.Operator.Tests.Webhooks.Certificates;

public sealed class CertificateSecretTests : IAsyncLifetime
{
    private const string Path = "/api/v1/namespaces/llm-operator/secrets/llm-operator-webhook-tls";
    private static readonly IReadOnlyList<string> Names = SelfSignedCertificates.HostNames("llm-operator-webhook", "llm-operator");
    private MockKubeApiServer _api = null!;

    public async Task InitializeAsync() => _api = await MockKubeApiServer.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private Task<CertificateBundle> GetOrCreateAsync(TimeSpan? validity = null) =>
        new CertificateSecret(_api.Client(), ApiResilience.Create(maxRetries: 2, baseDelay: TimeSpan.FromMilliseconds(1)))
            .GetOrCreateAsync("llm-operator", "llm-operator-webhook-tls", Names, validity ?? TimeSpan.FromDays(365), CancellationToken.None);

    private static JsonObject SecretOf(CertificateBundle bundle) => new()
    {
        ["apiVersion"] = "v1", ["kind"] = "Secret", ["type"] = "kubernetes.io/tls",
        ["metadata"] = new JsonObject { ["name"] = "llm-operator-webhook-tls", ["namespace"] = "llm-operator" },
        ["data"] = new JsonObject
        {
            ["tls.crt"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(bundle.CertificatePem)),
            ["tls.key"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(bundle.PrivateKeyPem)),
            ["ca.crt"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(bundle.CaPem)),
        },
    };

    [Fact]
    public async Task GetOrCreateAsync_Should_CreateATlsSecret_When_NoneExists()
    {
        var bundle = await GetOrCreateAsync();

        var secret = _api.Get(Path)!;
        Assert.Equal("kubernetes.io/tls", (string?)secret["type"]);
        Assert.Equal(bundle.CertificatePem, Encoding.UTF8.GetString(Convert.FromBase64String((string)secret["data"]!["tls.crt"]!)));
        Assert.Equal(bundle.CaPem, Encoding.UTF8.GetString(Convert.FromBase64String((string)secret["data"]!["ca.crt"]!)));
    }

    [Fact]
    public async Task GetOrCreateAsync_Should_ReuseTheSecret_When_AnotherReplicaMadeIt()
    {
        var first = await GetOrCreateAsync();
        _api.Requests.Clear();

        var second = await GetOrCreateAsync();

        Assert.Equal(first, second);
        Assert.Equal([$"GET {Path}"], _api.Requests);
    }

    [Fact]
    public async Task GetOrCreateAsync_Should_TakeTheWinners_When_TwoReplicasCreateAtOnce()
    {
        var winner = SelfSignedCertificates.Create(Names, TimeSpan.FromDays(365));
        _api.FailNext("POST", 409, () => _api.Put(Path, SecretOf(winner)));

        var bundle = await GetOrCreateAsync();

        Assert.Equal(winner, bundle);
    }

    [Fact]
    public async Task GetOrCreateAsync_Should_Replace_When_TheCertificateIsDueForRenewal()
    {
        var expiring = SelfSignedCertificates.Create(Names, CertificateSecret.RenewBefore - TimeSpan.FromDays(1));
        _api.Put(Path, SecretOf(expiring));

        var bundle = await GetOrCreateAsync();

        Assert.NotEqual(expiring, bundle);
        using var certificate = X509Certificate2.CreateFromPem(bundle.CertificatePem);
        Assert.True(certificate.NotAfter > DateTime.Now.AddDays(300));
        Assert.Contains($"PUT {Path}", _api.Requests);
    }

    [Fact]
    public async Task GetOrCreateAsync_Should_Replace_When_TheCertificateLacksAName()
    {
        _api.Put(Path, SecretOf(SelfSignedCertificates.Create(["localhost"], TimeSpan.FromDays(365))));

        var bundle = await GetOrCreateAsync();

        using var certificate = X509Certificate2.CreateFromPem(bundle.CertificatePem);
        Assert.True(certificate.MatchesHostname("llm-operator-webhook.llm-operator.svc"));
    }
}
