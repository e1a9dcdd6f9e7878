using LlmOperator.LocalCluster.Kubelet.Containers;
using LlmOperator.LocalCluster.Kubelet.Probes;
using LlmOperator.LocalCluster.Kubelet.Processes;
using LlmOperator.LocalCluster.Kubelet.StandIn;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Kubelet;

/// <summary>What every pod worker of one kubelet shares.</summary>
internal sealed class KubeletServices(ObjectStore store, KubeletOptions options, ImageMap images, string workRoot) : IDisposable
{
    public const string Component = "kubelet";

    /// <summary>Held on pods whose processes the kubelet runs, so that deleting a pod waits for them to stop.</summary>
    public const string Finalizer = "localcluster.llmoperator.dev/kubelet";

    public ObjectStore Store { get; } = store;

    public KubeletOptions Options { get; } = options;

    public string WorkRoot { get; } = workRoot;

    public ConfigLookup Config { get; } = new(store);

    public PortAllocator Ports { get; } = new();

    public ProbeRunner Probes { get; } = new();

    public OrphanWatchdog Watchdog { get; } = new();

    public StandInServer StandIn { get; } = new();

    public ContainerLaunchBuilder Launches { get; } = new(images, new ConfigLookup(store), options.InheritHostEnvironment);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, EventRecorder> _events = new();

    /// <summary>The Event recorder of a node (Events name the node as their source host).</summary>
    public EventRecorder Events(string node) => _events.GetOrAdd(node, n => new EventRecorder(Store, Component, n));

    /// <summary>Starts one instance: a host process group, or a stand-in served in-process.</summary>
    public IContainerInstance Start(ContainerLaunch launch, ContainerLog log) => launch.Runtime switch
    {
        ImageRuntime.StandIn => new StandInContainer(launch, log, StandIn),
        _ => new HostProcessContainer(HostProcess.Start(launch.Process, log.Append, Watchdog)),
    };

    public void Dispose()
    {
        StandIn.Dispose();
        Probes.Dispose();
        Watchdog.Dispose();
    }
}
