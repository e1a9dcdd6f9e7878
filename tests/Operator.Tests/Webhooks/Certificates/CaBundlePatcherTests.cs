using System.Text;
using LlmOperator.Operator.Kubernetes;
using LlmOperator.Operator.Tests.Webhooks.Support;
using LlmOperator.Operator.Webhooks;
using LlmOperator.Operator.Webhooks.Certificates;
using LlmOperator.Operator.Webhooks.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmOperator.Operator.Tests.Webhooks.Certificates;

public sealed class CaBundlePatcherTests : IAsyncLifetime
{
    public const string ValidatingPath = "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/" + WebhookNames.Configuration;
    public const string MutatingPath = "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/" + WebhookNames.Configuration;

    private MockKubeApiServer _api = null!;
    private readonly string _ca = SelfSignedCertificates.Create(["localhost"], TimeSpan.FromDays(1)).CaPem;

    public async Task InitializeAsync()
    {
        _api = await MockKubeApiServer.StartAsync();
        var target = new WebhookTarget { Url = "https://127.0.0.1:9443" };
        _api.Put(ValidatingPath, WebhookConfigurations.Validating(target));
        _api.Put(MutatingPath, WebhookConfigurations.Mutating(target));
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private CaBundlePatcher Patcher() =>
        new(_api.Client(), ApiResilience.Create(maxRetries: 3, baseDelay: TimeSpan.FromMilliseconds(1)), NullLogger.Instance);

    private string[] Bundles(string path) =>
        _api.Get(path)!["webhooks"]!.AsArray().Select(w => Encoding.UTF8.GetString(Convert.FromBase64String((string)w!["clientConfig"]!["caBundle"]!))).ToArray();

    [Fact]
    public async Task EnsureAsync_Should_SetTheCaOnEveryWebhook_When_TheConfigurationsHaveNone()
    {
        int changed = await Patcher().EnsureAsync(WebhookNames.Configuration, WebhookNames.Configuration, _ca, CancellationToken.None);

        Assert.Equal(2, changed);
        Assert.Equal([_ca, _ca], Bundles(ValidatingPath));
        Assert.Equal([_ca], Bundles(MutatingPath));
    }

    [Fact]
    public async Task EnsureAsync_Should_WriteNothing_When_TheCaIsAlreadyThere()
    {
        await Patcher().EnsureAsync(WebhookNames.Configuration, WebhookNames.Configuration, _ca, CancellationToken.None);
        _api.Requests.Clear();

        int changed = await Patcher().EnsureAsync(WebhookNames.Configuration, WebhookNames.Configuration, _ca, CancellationToken.None);

        Assert.Equal(0, changed);
        Assert.DoesNotContain(_api.Requests, r => r.StartsWith("PUT", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EnsureAsync_Should_ReReadAndReapply_When_TheWriteConflicts()
    {
        // Another writer (a chart upgrade) changes the configuration between our read and our write.
        _api.FailNext("PUT", 409, () => _api.Put(ValidatingPath, _api.Get(ValidatingPath)!));

        int changed = await Patcher().EnsureAsync(WebhookNames.Configuration, null, _ca, CancellationToken.None);

        Assert.Equal(1, changed);
        Assert.Equal([_ca, _ca], Bundles(ValidatingPath));
        Assert.Equal(2, _api.Requests.Count(r => r == $"GET {ValidatingPath}"));
    }

    [Fact]
    public async Task EnsureAsync_Should_SkipWithoutFailing_When_AConfigurationDoesNotExist()
    {
        int changed = await Patcher().EnsureAsync("not-installed", WebhookNames.Configuration, _ca, CancellationToken.None);

        Assert.Equal(1, changed);
        Assert.Equal([_ca], Bundles(MutatingPath));
    }
}
