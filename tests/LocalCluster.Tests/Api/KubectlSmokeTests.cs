using LlmOperator.LocalCluster.Tests.Support;

namespace LlmOperator.LocalCluster.Tests.Api;

/// <summary>The real kubectl against the local API server, asserted on what it prints.</summary>
public sealed class KubectlSmokeTests
{
    private const string ConfigMapYaml = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: applied
          labels: {app: demo}
        data:
          replicas: "1"
          mode: fast
        """;

    [KubectlFact]
    public async Task CreateConfigMap_Should_BeReadableAsYamlAndTable_When_CreatedByGenerator()
    {
        await using var cluster = await Clusters.StartAsync();
        using var kubectl = new Kubectl(cluster.KubeconfigPath);

        var created = await kubectl.SucceedAsync("create", "configmap", "demo", "--from-literal=a=1", "--from-literal=b=two");
        var yaml = await kubectl.SucceedAsync("get", "cm", "demo", "-o", "yaml");
        var table = await kubectl.SucceedAsync("get", "cm");

        Assert.Equal("configmap/demo created", created.Trim());
        Assert.Contains("a: \"1\"", yaml);
        Assert.Contains("b: two", yaml);
        Assert.Contains("namespace: default", yaml);
        Assert.Matches(@"(?m)^NAME\s+DATA\s+AGE\s*$", table);
        Assert.Matches(@"(?m)^demo\s+2\s+\d+s\s*$", table);
    }

    [KubectlFact]
    public async Task Apply_Should_CreateConfigureThenLeaveUnchanged_When_AppliedThreeTimes()
    {
        await using var cluster = await Clusters.StartAsync();
        using var kubectl = new Kubectl(cluster.KubeconfigPath);
        var manifest = kubectl.WriteFile("cm.yaml", ConfigMapYaml);

        var first = await kubectl.SucceedAsync("apply", "-f", manifest);
        kubectl.WriteFile("cm.yaml", ConfigMapYaml.Replace("\"1\"", "\"3\"").Replace("\n  mode: fast", ""));
        var second = await kubectl.SucceedAsync("apply", "-f", manifest);
        var third = await kubectl.SucceedAsync("apply", "-f", manifest);
        var data = await kubectl.SucceedAsync("get", "cm", "applied", "-o", "jsonpath={.data}");

        Assert.Equal("configmap/applied created", first.Trim());
        Assert.Equal("configmap/applied configured", second.Trim());
        Assert.Equal("configmap/applied unchanged", third.Trim());
        Assert.Equal("{\"replicas\":\"3\"}", data);
    }

    [KubectlFact]
    public async Task ApplyServerSide_Should_CreateThenUpdate_When_AppliedTwice()
    {
        await using var cluster = await Clusters.StartAsync();
        using var kubectl = new Kubectl(cluster.KubeconfigPath);
        var manifest = kubectl.WriteFile("cm.yaml", ConfigMapYaml);

        var first = await kubectl.SucceedAsync("apply", "--server-side", "-f", manifest);
        kubectl.WriteFile("cm.yaml", ConfigMapYaml.Replace("fast", "safe"));
        var second = await kubectl.SucceedAsync("apply", "--server-side", "-f", manifest);
        var mode = await kubectl.SucceedAsync("get", "cm", "applied", "-o", "jsonpath={.data.mode}");

        Assert.Equal("configmap/applied serverside-applied", first.Trim());
        Assert.Equal("configmap/applied serverside-applied", second.Trim());
        Assert.Equal("safe", mode);
    }

    [KubectlFact]
    public async Task Delete_Should_RemoveObject_When_DeletedByFile()
    {
        await using var cluster = await Clusters.StartAsync();
        using var kubectl = new Kubectl(cluster.KubeconfigPath);
        var manifest = kubectl.WriteFile("cm.yaml", ConfigMapYaml);
        await kubectl.SucceedAsync("apply", "-f", manifest);

        var deleted = await kubectl.SucceedAsync("delete", "-f", manifest);
        var (code, _, stderr) = await kubectl.RunAsync("get", "cm", "applied");

        Assert.Equal("configmap \"applied\" deleted", deleted.Trim());
        Assert.Equal(1, code);
        Assert.Contains("Error from server (NotFound): configmaps \"applied\" not found", stderr);
    }

    [KubectlFact]
    public async Task GetWatch_Should_PrintUpdates_When_ObjectChanges()
    {
        await using var cluster = await Clusters.StartAsync();
        using var kubectl = new Kubectl(cluster.KubeconfigPath);
        await kubectl.SucceedAsync("create", "configmap", "watched", "--from-literal=a=1");
        var (process, output) = kubectl.Start("get", "cm", "watched", "-w");
        using var _ = process;

        await UntilAsync(() => Rows(output()) == 1, process);
        await kubectl.SucceedAsync("patch", "cm", "watched", "--type=merge", "-p", """{"data":{"b":"2"}}""");
        await UntilAsync(() => Rows(output()) == 2, process);
        cluster.Faults.CutWatches();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        // kubectl ends quietly when the server ends the stream (reference §5).
        Assert.Equal(0, process.ExitCode);
        Assert.Matches(@"(?m)^watched\s+1\s+\d+s\s*$", output());
        Assert.Matches(@"(?m)^watched\s+2\s+\d+s\s*$", output());
    }

    private static int Rows(string output) => output.Split('\n').Count(l => l.StartsWith("watched", StringComparison.Ordinal));

    private static async Task UntilAsync(Func<bool> condition, System.Diagnostics.Process process)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            Assert.False(process.HasExited, "kubectl get -w ended early");
            await Task.Delay(50, patience.Token);
        }
    }
}
