using k8s.Models;
using LlmOperator.Operator.Kubernetes;
using LlmOperator.Operator.Tests.Webhooks.Support;
using LlmOperator.Operator.Webhooks.Lookups;

namespace LlmOperator.Operator.Tests.Webhooks.Lookups;

public sealed class KubernetesAdmissionLookupsTests : IAsyncLifetime
{
    private MockKubeApiServer _api = null!;

    public async Task InitializeAsync() => _api = await MockKubeApiServer.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private KubernetesAdmissionLookups Lookups() =>
        new(_api.Client(), ApiResilience.Create(maxRetries: 2, baseDelay: TimeSpan.FromMilliseconds(1)));

    [Fact]
    public async Task GetConfigMapAsync_Should_ReturnTheConfigMap_When_ItExists()
    {
        _api.Put("/api/v1/namespaces/default/configmaps/model", new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "model", NamespaceProperty = "default" },
            Data = new Dictionary<string, string> { ["config.json"] = "{}" },
        });

        var configMap = await Lookups().GetConfigMapAsync("default", "model", CancellationToken.None);

        Assert.Equal("{}", configMap!.Data["config.json"]);
    }

    [Fact]
    public async Task GetConfigMapAsync_Should_ReturnNull_When_ItDoesNotExist()
    {
        Assert.Null(await Lookups().GetConfigMapAsync("default", "missing", CancellationToken.None));
    }

    [Fact]
    public async Task GetConfigMapAsync_Should_Retry_When_TheApiServerFailsOnce()
    {
        _api.FailNext("GET", 500);

        Assert.Null(await Lookups().GetConfigMapAsync("default", "missing", CancellationToken.None));
        Assert.Equal(2, _api.Requests.Count);
    }

    [Fact]
    public async Task ListModelDeploymentsAsync_Should_ReturnTheNamespacesResources_When_Listed()
    {
        var tiny = Manifests.Typed(Manifests.ModelDeployment("examples", "tiny-llama4.yaml"));
        _api.Put("/apis/inference.llmoperator.dev/v1alpha1/namespaces/default/modeldeployments/tiny-llama4", tiny);
        _api.Put("/apis/inference.llmoperator.dev/v1alpha1/namespaces/other/modeldeployments/elsewhere", tiny);

        var list = await Lookups().ListModelDeploymentsAsync("default", CancellationToken.None);

        var only = Assert.Single(list);
        Assert.Equal((2, 4096L), (only.Spec.Engine.TensorParallelSize, only.Spec.Engine.MaxModelLen));
    }
}
