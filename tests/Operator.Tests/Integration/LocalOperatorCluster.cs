using k8s;
using k8s.Models;
using LlmOperator.LocalCluster;
using LlmOperator.LocalCluster.Api.Auditing;
using LlmOperator.LocalCluster.Kubelet;
using LlmOperator.LocalCluster.Kubelet.Containers;
using LlmOperator.LocalCluster.ServiceProxy;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Runtime;
using LlmOperator.Operator.Runtime.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmOperator.Operator.Tests.Integration;

/// <summary>
/// The local control plane in this process (API server, controllers, scheduler, kubelet on two nodes) with the CRD
/// installed, and the operator's own `run` host against it. The engine image runs as the kubelet's stand-in (the
/// engine's HTTP contract, exit codes and termination messages, chaos flags included, without loading a model), or,
/// given a Hugging Face cache holding the model, as this checkout's real engine processes.
/// </summary>
public sealed class LocalOperatorCluster : IAsyncDisposable
{
    public const string Ns = "default";
    private readonly List<WebApplication> _operators = [];

    private LocalOperatorCluster(LocalClusterHost cluster) => (Cluster, Client) = (cluster, cluster.CreateClient());

    public LocalClusterHost Cluster { get; }
    public k8s.Kubernetes Client { get; }

    /// <param name="modelCache">The nodes' Hugging Face hub cache: pods run the real engine, which loads the model from it.</param>
    /// <param name="audit">Told every resource request the API server serves (the RBAC coverage test's recorder).</param>
    public static async Task<LocalOperatorCluster> StartAsync(string? modelCache = null, IRequestRecorder? audit = null)
    {
        var kubelet = new KubeletOptions
        {
            Images = modelCache is null ? ImageMap.Default().With(new ImageRule(ImageMap.EngineRepository, ImageRuntime.StandIn)) : ImageMap.Default(),
            ModelCache = modelCache,
            CrashLoopBackOffInitial = TimeSpan.FromMilliseconds(200),
            CrashLoopBackOffMax = TimeSpan.FromSeconds(1),
        };
        var options = StandardCluster.Options(gpusPerNode: 8, nodes: 2, kubelet: kubelet);
        var host = await LocalClusterHost.StartAsync(options with { ApiServer = options.ApiServer with { Audit = audit } });
        var cluster = new LocalOperatorCluster(host);
        var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(await File.ReadAllTextAsync(RepositoryPaths.Of("crds", "modeldeployments.inference.llmoperator.dev.yaml")));
        await cluster.Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
        await cluster.UntilAsync(async () => (await cluster.Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(crd.Metadata.Name))
            .Status?.Conditions?.Any(c => c.Type == "Established" && c.Status == "True") == true);
        return cluster;
    }

    /// <summary>Starts an operator process's host (the `run` command's, with its <paramref name="extensions"/>) against the cluster.</summary>
    /// <param name="logs">Also receives every log line of the operator, from its first.</param>
    public async Task<WebApplication> StartOperatorAsync(OperatorOptions? options = null, ILoggerProvider? logs = null,
        IReadOnlyList<IOperatorHostExtension>? extensions = null)
    {
        var app = OperatorHost.Build(options ?? new OperatorOptions { MetricsPort = 0, Concurrency = 2 },
            new KubernetesClientConfiguration { Host = Cluster.Address.ToString() }, extensions ?? []);
        if (logs is not null) app.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        await app.StartAsync();
        _operators.Add(app);
        return app;
    }

    public async Task StopOperatorAsync(WebApplication app)
    {
        await app.StopAsync();
        await app.DisposeAsync();
        _operators.Remove(app);
    }

    public static V1Alpha1ModelDeployment Tiny(string name, int replicas = 2) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns },
        Spec = new ModelDeploymentSpec
        {
            Model = new ModelSpec { Name = "llmoperator/tiny-llama4" },
            Engine = new EngineSpec { TensorParallelSize = 1, MaxModelLen = 4096, Dtype = "float32", MaxNumSeqs = 32, MaxNumBatchedTokens = 2048 },
            Replicas = replicas,
            Resources = new ResourcesSpec { Gpu = new GpuSpec { Memory = "16Gi", PerNode = 8 } },
        },
    };

    public Task<V1Alpha1ModelDeployment> CreateAsync(V1Alpha1ModelDeployment md) =>
        Client.CustomObjects.CreateNamespacedCustomObjectAsync<V1Alpha1ModelDeployment>(md, V1Alpha1ModelDeployment.Group,
            V1Alpha1ModelDeployment.Version, Ns, V1Alpha1ModelDeployment.Plural);

    public Task<V1Alpha1ModelDeployment> GetAsync(string name) =>
        Client.CustomObjects.GetNamespacedCustomObjectAsync<V1Alpha1ModelDeployment>(V1Alpha1ModelDeployment.Group,
            V1Alpha1ModelDeployment.Version, Ns, V1Alpha1ModelDeployment.Plural, name);

    /// <summary>A merge patch of the spec, as `kubectl patch --type=merge` (or a GitOps sync) sends it.</summary>
    public Task PatchSpecAsync(string name, string specJson) =>
        Client.CustomObjects.PatchNamespacedCustomObjectAsync<V1Alpha1ModelDeployment>(
            new V1Patch($$"""{"spec":{{specJson}}}""", V1Patch.PatchType.MergePatch), V1Alpha1ModelDeployment.Group,
            V1Alpha1ModelDeployment.Version, Ns, V1Alpha1ModelDeployment.Plural, name);

    /// <summary>What `kubectl wait --for=condition=TYPE` checks: the condition, and observedGeneration on it and on status.</summary>
    public async Task<V1Alpha1ModelDeployment> WaitForConditionAsync(string name, string type, TimeSpan? patience = null)
    {
        V1Alpha1ModelDeployment md = null!;
        await UntilAsync(async () =>
        {
            md = await GetAsync(name);
            var condition = md.Status?.Conditions?.FirstOrDefault(c => c.Type == type);
            return condition?.Status == "True" && condition.ObservedGeneration >= md.Metadata.Generation
                && md.Status!.ObservedGeneration >= md.Metadata.Generation;
        }, patience);
        return md;
    }

    /// <summary>Where clients reach a Service port: the service proxy's loopback listener, published on the Service.</summary>
    public async Task<Uri> ServiceUrlAsync(string name, int port = 8000)
    {
        string? proxyPort = null;
        await UntilAsync(async () => (await Client.CoreV1.ReadNamespacedServiceAsync(name, Ns)).Metadata.Annotations?
            .TryGetValue(LoopbackServiceProxy.ProxyPortAnnotationPrefix + port, out proxyPort) == true);
        return new Uri($"http://127.0.0.1:{proxyPort}/");
    }

    public async Task UntilAsync(Func<Task<bool>> condition, TimeSpan? patience = null)
    {
        using var timeout = new CancellationTokenSource(patience ?? TimeSpan.FromSeconds(60));
        while (!await condition()) await Task.Delay(100, timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _operators.ToList()) await StopOperatorAsync(app);
        Client.Dispose();
        await Cluster.DisposeAsync();
    }
}
