using System.Net;
using System.Net.Sockets;
using k8s;
using LlmOperator.Operator.Cli;

namespace LlmOperator.Operator.Tests.Cli;

public sealed class ClusterCommandTests
{
    [Fact]
    public async Task Run_Should_ServeAtTheWrittenKubeconfigUntilStopped_When_Started()
    {
        var kubeconfig = Path.Combine(Directory.CreateTempSubdirectory("cluster-cmd-").FullName, "config");
        var stdout = new StringWriter();
        using var stop = new CancellationTokenSource();
        var run = ClusterCommand.RunAsync(ClusterCommand.Options(0, kubeconfig, gpus: 0, nodes: 1),
            TextWriter.Synchronized(stdout), TextWriter.Null, stop.Token);

        var printed = await FirstLineAsync(stdout, run);
        var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        var namespaces = await client.CoreV1.ListNamespaceAsync();
        await stop.CancelAsync();

        Assert.Equal(kubeconfig, printed);
        Assert.Contains(namespaces.Items, n => n.Metadata.Name == "default");
        Assert.Equal(ClusterCommand.Stopped, await run);
    }

    [Fact]
    public async Task Run_Should_PrintTheModelCache_When_ModelCacheIsGiven()
    {
        var cache = Directory.CreateTempSubdirectory("cluster-cmd-cache-").FullName;
        var stderr = new StringWriter();
        using var stop = new CancellationTokenSource();
        var run = ClusterCommand.RunAsync(ClusterCommand.Options(0, null, gpus: 0, nodes: 1, modelCache: cache),
            TextWriter.Null, TextWriter.Synchronized(stderr), stop.Token);

        while (!stderr.ToString().Contains("Press Ctrl+C") && !run.IsCompleted) await Task.Delay(50);
        await stop.CancelAsync();

        Assert.Equal(ClusterCommand.Stopped, await run);
        Assert.Contains($"Model cache (HF_HUB_CACHE of engine pods): {cache}", stderr.ToString());
        Directory.Delete(cache);
    }

    [Fact]
    public async Task Run_Should_ExitTwo_When_NodesIsZero()
    {
        var stderr = new StringWriter();

        var exit = await ClusterCommand.RunAsync(ClusterCommand.Options(0, null, gpus: 0, nodes: 0), TextWriter.Null, stderr, CancellationToken.None);

        Assert.Equal(ClusterCommand.BadOptions, exit);
        Assert.Contains("--nodes", stderr.ToString());
    }

    [Fact]
    public async Task Run_Should_ExitOneNamingThePort_When_PortIsTaken()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var stderr = new StringWriter();

        var exit = await ClusterCommand.RunAsync(ClusterCommand.Options(port, null, gpus: 0, nodes: 1), TextWriter.Null, stderr, CancellationToken.None);

        Assert.Equal(ClusterCommand.StartFailed, exit);
        Assert.Contains($"127.0.0.1:{port}", stderr.ToString());
        Assert.Contains("--port", stderr.ToString());
    }

    private static async Task<string> FirstLineAsync(StringWriter output, Task running)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!output.ToString().Contains('\n'))
        {
            if (running.IsCompleted) Assert.Fail($"the cluster command ended early with {await (Task<int>)running}");
            await Task.Delay(20, patience.Token);
        }

        return output.ToString().Split('\n')[0].Trim();
    }
}
