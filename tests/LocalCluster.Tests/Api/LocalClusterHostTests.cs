using k8s;
using LlmOperator.LocalCluster.Tests.Support;

namespace LlmOperator.LocalCluster.Tests.Api;

public sealed class LocalClusterHostTests
{
    [Fact]
    public async Task Kubeconfig_Should_LoadInKubernetesClient_When_ClusterRuns()
    {
        string path;
        await using (var cluster = await Clusters.StartAsync())
        {
            path = cluster.KubeconfigPath;
            var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
            var namespaces = await new Kubernetes(config).CoreV1.ListNamespaceAsync();

            Assert.Equal("default", config.Namespace);
            Assert.Equal(LocalClusterHost.SystemNamespaces.Order(), namespaces.Items.Select(n => n.Metadata.Name).Order());
            Assert.True(File.Exists(path));
        }

        Assert.False(File.Exists(path), "a temporary kubeconfig is removed with the cluster");
    }

    [Fact]
    public async Task Dispose_Should_StopComponentsInReverseOrder_When_ClusterStops()
    {
        var journal = new List<string>();
        var cluster = await Clusters.StartAsync(o => o with
        {
            Components = [c => new Recorder("first", journal, c), c => new Recorder("second", journal, c)],
        });

        await cluster.DisposeAsync();

        Assert.Equal(["start first", "start second", "stop second", "stop first"], journal);
    }

    [Fact]
    public async Task Start_Should_StopStartedComponents_When_ALaterOneFails()
    {
        var journal = new List<string>();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Clusters.StartAsync(o => o with
        {
            Components = [c => new Recorder("first", journal, c), c => new Recorder("broken", journal, c, fail: true)],
        }));

        Assert.Equal("broken cannot start", error.Message);
        Assert.Equal(["start first", "start broken", "stop broken", "stop first"], journal);
    }

    [Fact]
    public async Task Components_Should_SeeTheApiServerAddress_When_Created()
    {
        Uri? seen = null;
        await using var cluster = await Clusters.StartAsync(o => o with { Components = [c => { seen = c.ApiServerAddress; return new Recorder("x", [], c); }] });

        Assert.Equal(cluster.Address, seen);
    }

    private sealed class Recorder(string name, List<string> journal, ClusterContext context, bool fail = false) : IClusterComponent
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            journal.Add($"start {name}");
            Assert.NotNull(context.ApiServerAddress);
            return fail ? throw new InvalidOperationException($"{name} cannot start") : Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            journal.Add($"stop {name}");
            return ValueTask.CompletedTask;
        }
    }
}
