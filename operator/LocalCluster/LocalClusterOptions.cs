using LlmOperator.LocalCluster.Admission;
using LlmOperator.LocalCluster.Api;
using Microsoft.Extensions.Logging;

namespace LlmOperator.LocalCluster;

/// <summary>
/// How to start a local cluster. Plugins and components are given as factories because they need the
/// cluster's store and registry (and components the API server's address), which exist only once
/// <see cref="LocalClusterHost.StartAsync"/> runs.
/// </summary>
public sealed record LocalClusterOptions
{
    /// <summary>API server port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Where to write the kubeconfig; null writes a temporary file, deleted when the cluster stops.</summary>
    public string? KubeconfigPath { get; init; }

    /// <summary>Worker nodes the kubelet registers (seam for the kubelet component).</summary>
    public int Nodes { get; init; } = 1;

    /// <summary>nvidia.com/gpu capacity of each node (seam for the kubelet component).</summary>
    public int GpusPerNode { get; init; }

    /// <summary>
    /// The nodes' Hugging Face hub cache, where engine pods find <c>--model ORG/NAME</c> (seam for the kubelet
    /// component); null: a folder under the kubelet's temporary state, removed with it.
    /// </summary>
    public string? ModelCache { get; init; }

    /// <summary>How many changes the store keeps for resuming watches; older versions are answered 410 Expired.</summary>
    public int WatchHistory { get; init; } = 20_000;

    /// <summary>Seed of the fault injector's random draws.</summary>
    public int FaultSeed { get; init; }

    /// <summary>API server settings other than the port (bookmark interval, continue-token lifetime).</summary>
    public ApiServerOptions ApiServer { get; init; } = new();

    /// <summary>Admission plugins, created before the API server starts (schema validation, webhooks...).</summary>
    public IReadOnlyList<Func<ClusterContext, IAdmissionPlugin>> AdmissionPlugins { get; init; } = [];

    /// <summary>Controllers, kubelet, service proxy...: created and started in order after the API server, disposed in reverse.</summary>
    public IReadOnlyList<Func<ClusterContext, IClusterComponent>> Components { get; init; } = [];

    /// <summary>Where the API server and components log; null logs nothing.</summary>
    public ILoggerFactory? Loggers { get; init; }

    /// <summary>Checks the settings, naming the bad one and its valid range.</summary>
    public LocalClusterOptions Validated()
    {
        if (Nodes < 1) throw new ArgumentOutOfRangeException(nameof(Nodes), Nodes, "a local cluster needs at least 1 node (--nodes)");
        if (WatchHistory < 1) throw new ArgumentOutOfRangeException(nameof(WatchHistory), WatchHistory, "the watch history must keep at least 1 change");
        if (GpusPerNode < 0) throw new ArgumentOutOfRangeException(nameof(GpusPerNode), GpusPerNode, "GPUs per node cannot be negative (--gpus)");
        _ = (ApiServer with { Port = Port }).Validated();
        return this;
    }
}
