using k8s;
using k8s.Models;
using LlmOperator.LocalCluster;
using LlmOperator.LocalCluster.Kubelet;
using LlmOperator.Operator.Crds;
using LlmOperator.Operator.Entities;
using Microsoft.Extensions.Logging;

namespace LlmOperator.Operator.Benchmark;

/// <summary>
/// The local control plane in this process (API server, controllers, scheduler, kubelet with the stand-in image,
/// service proxy) with the ModelDeployment CRD installed, and a client for it.
/// </summary>
public sealed class BenchCluster : IAsyncDisposable
{
    public const string Ns = "default";

    private BenchCluster(LocalClusterHost host) => (Host, Client) = (host, host.CreateClient());

    public LocalClusterHost Host { get; }

    public k8s.Kubernetes Client { get; }

    public static async Task<BenchCluster> StartAsync(int nodes, int gpusPerNode, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var options = StandardCluster.Options(gpusPerNode: gpusPerNode, nodes: nodes, kubelet: new KubeletOptions()) with { Loggers = loggers };
        var cluster = new BenchCluster(await LocalClusterHost.StartAsync(options.Validated(), cancellationToken).ConfigureAwait(false));
        try
        {
            var crd = CrdGenerator.Generate();
            await cluster.Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: cancellationToken).ConfigureAwait(false);
            while ((await cluster.Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(crd.Metadata.Name, cancellationToken: cancellationToken).ConfigureAwait(false))
                   .Status?.Conditions?.Any(c => c.Type == "Established" && c.Status == "True") != true)
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// A small valid resource (the tiny Llama 4 of the catalog, one GPU, one replica) whose pods run
    /// <paramref name="image"/>: the stand-in answers the engine's contract without a model.
    /// </summary>
    public static V1Alpha1ModelDeployment Resource(string name, string image, int replicas = 1) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns },
        Spec = new ModelDeploymentSpec
        {
            Model = new ModelSpec { Name = "llmoperator/tiny-llama4" },
            Engine = new EngineSpec { Image = image, TensorParallelSize = 1, MaxModelLen = 4096, Dtype = "float32", MaxNumSeqs = 32, MaxNumBatchedTokens = 2048 },
            Replicas = replicas,
            Resources = new ResourcesSpec { Gpu = new GpuSpec { Memory = "16Gi", PerNode = 8 } },
        },
    };

    public Task<V1Alpha1ModelDeployment> CreateAsync(V1Alpha1ModelDeployment md, CancellationToken cancellationToken) =>
        Client.CustomObjects.CreateNamespacedCustomObjectAsync<V1Alpha1ModelDeployment>(md, V1Alpha1ModelDeployment.Group,
            V1Alpha1ModelDeployment.Version, Ns, V1Alpha1ModelDeployment.Plural, cancellationToken: cancellationToken);

    public Task<V1Alpha1ModelDeployment> GetAsync(string name, CancellationToken cancellationToken) =>
        Client.CustomObjects.GetNamespacedCustomObjectAsync<V1Alpha1ModelDeployment>(V1Alpha1ModelDeployment.Group,
            V1Alpha1ModelDeployment.Version, Ns, V1Alpha1ModelDeployment.Plural, name, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync().ConfigureAwait(false);
    }
}
