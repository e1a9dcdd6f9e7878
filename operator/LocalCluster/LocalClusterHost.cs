using System.Text.Json.Nodes;
using k8s;
using LlmOperator.LocalCluster.Api;
using LlmOperator.LocalCluster.Api.Defaulting;
using LlmOperator.LocalCluster.Api.Patching;
using LlmOperator.LocalCluster.Api.Selection;
using LlmOperator.LocalCluster.Faults;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster;

/// <summary>
/// A whole local cluster in this process: the object store, the served kinds, admission, the API
/// server, then the given components (controllers, kubelet, service proxy), plus a kubeconfig for
/// kubectl. Disposing stops the components in reverse order (and with them every process they
/// started), then the API server, and deletes a temporary kubeconfig.
/// </summary>
public sealed class LocalClusterHost : IAsyncDisposable
{
    /// <summary>The namespaces a fresh cluster has, as after kube-apiserver's bootstrap.</summary>
    public static readonly IReadOnlyList<string> SystemNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

    private readonly ApiServer _server;
    private readonly List<IClusterComponent> _components = [];
    private readonly bool _ownsKubeconfig;

    private LocalClusterHost(ClusterContext context, ApiServer server, string kubeconfigPath, bool ownsKubeconfig)
    {
        Context = context;
        _server = server;
        KubeconfigPath = kubeconfigPath;
        _ownsKubeconfig = ownsKubeconfig;
    }

    public ClusterContext Context { get; }

    public ObjectStore Store => Context.Store;

    public ResourceRegistry Registry => Context.Registry;

    public AdmissionChain Admission => Context.Admission;

    /// <summary>Fault injection for the API server's answers; off until enabled.</summary>
    public FaultInjector Faults => Context.Faults;

    /// <summary>The API server's base URL (http://127.0.0.1:PORT).</summary>
    public Uri Address => _server.Address;

    public string KubeconfigPath { get; }

    public IReadOnlyList<IClusterComponent> Components => _components;

    public static async Task<LocalClusterHost> StartAsync(LocalClusterOptions options, CancellationToken cancellationToken = default)
    {
        options.Validated();
        var store = new ObjectStore { HistoryCapacity = options.WatchHistory };
        var setup = new ClusterContext(store, new ResourceRegistry(), new AdmissionChain(), new FaultInjector(options.FaultSeed), options, null);
        // Defaulting comes first, as decoding does in kube-apiserver: plugins see defaulted objects.
        setup.Admission.Add(new BuiltInDefaults());
        foreach (var plugin in options.AdmissionPlugins) setup.Admission.Add(plugin(setup));
        CreateSystemNamespaces(store);

        var apiOptions = options.ApiServer with { Port = options.Port };
        var pager = new ListPager(TimeProvider.System) { Lifetime = apiOptions.ContinueTokenLifetime };
        var services = new ApiServices(store, setup.Registry, setup.Admission, setup.Faults, apiOptions, pager, new FieldOwnership());
        var server = await ApiServer.StartAsync(services, options.Loggers, cancellationToken);

        var ownsKubeconfig = options.KubeconfigPath is null;
        var kubeconfig = options.KubeconfigPath ??
            Path.Combine(Path.GetTempPath(), $"llm-operator-local-{server.Address.Port}-{Guid.NewGuid().ToString("N")[..8]}.kubeconfig");
        var host = new LocalClusterHost(setup with { ApiServerAddress = server.Address }, server, kubeconfig, ownsKubeconfig);
        try
        {
            Kubeconfig.Write(kubeconfig, server.Address);
            await host.StartComponentsAsync(services, cancellationToken);
        }
        catch
        {
            // A half-started cluster must not leave processes or a listening port behind.
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    /// <summary>A KubernetesClient for this cluster, as the operator would build one from the kubeconfig.</summary>
    public Kubernetes CreateClient() => new(new KubernetesClientConfiguration { Host = Address.ToString() });

    public async ValueTask DisposeAsync()
    {
        var failures = new List<Exception>();
        for (var i = _components.Count - 1; i >= 0; i--)
        {
            try
            {
                await _components[i].DisposeAsync();
            }
            catch (Exception e)
            {
                // Keep stopping the others: an orphaned process is worse than a late exception.
                failures.Add(e);
            }
        }

        _components.Clear();
        await _server.DisposeAsync();
        if (_ownsKubeconfig) File.Delete(KubeconfigPath);
        if (failures.Count > 0) throw new AggregateException("stopping the local cluster's components failed", failures);
    }

    private async Task StartComponentsAsync(ApiServices services, CancellationToken cancellationToken)
    {
        foreach (var factory in Context.Options.Components)
        {
            var component = factory(Context);
            _components.Add(component);
            if (component is IPodLogSource logs) services.PodLogs ??= logs;
            await component.StartAsync(cancellationToken);
        }
    }

    private static void CreateSystemNamespaces(ObjectStore store)
    {
        foreach (var name in SystemNamespaces)
        {
            store.Create(BuiltInTypes.Namespaces, new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = name },
                ["spec"] = new JsonObject(),
                ["status"] = new JsonObject { ["phase"] = "Active" },
            });
        }
    }
}
