using k8s;
using LlmOperator.LocalCluster.Kubelet;
using LlmOperator.LocalCluster.ServiceProxy;

namespace LlmOperator.LocalCluster.Tests.EndToEnd;

/// <summary>
/// The end-to-end tests run one at a time: they start real processes and time-sensitive rollouts, which the
/// parallel unit tests would starve on a 2-core machine. xunit runs this collection after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "EndToEnd";
}

/// <summary>
/// One whole local cluster — <see cref="StandardCluster"/>, exactly what the <c>cluster</c> command runs — per test
/// class. Only the kubelet's waits are shortened (a crash-looping or stopping container must not cost a test 10 s).
/// Tests of a class share it, so each names its own objects.
/// </summary>
public sealed class StandardClusterFixture : IAsyncLifetime
{
    private LocalClusterHost? _cluster;

    public LocalClusterHost Cluster => _cluster ?? throw new InvalidOperationException("the cluster has not started");

    public LocalKubelet Kubelet => Cluster.Components.OfType<LocalKubelet>().Single();

    public LoopbackServiceProxy Proxy => Cluster.Components.OfType<LoopbackServiceProxy>().Single();

    public Kubernetes Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _cluster = await LocalClusterHost.StartAsync(StandardCluster.Options(gpusPerNode: 8, kubelet: new KubeletOptions
        {
            CrashLoopBackOffInitial = TimeSpan.FromMilliseconds(500),
            ShutdownGracePeriod = TimeSpan.FromSeconds(2),
        }));
        Client = _cluster.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_cluster is not null) await _cluster.DisposeAsync();
    }
}
