using LlmOperator.LocalCluster.Kubelet.Processes;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Tests.Kubelet;

public sealed class ProcessCleanupTests
{
    [Fact]
    public async Task DeletePod_Should_KillProcessTreeAndRemovePod_When_PodDeleted()
    {
        await using var cluster = await KubeletHarness.StartAsync();
        cluster.Create(KubeletHarness.ShellPod("tree", "sleep 300 & sleep 300 & wait"));
        await cluster.WaitAsync("tree", p => KubeletHarness.Container(p).State?.Running is not null, "running");
        var group = cluster.Kubelet.ProcessId("default", "tree", "main")!.Value;
        await WaitForMembersAsync(group, 3); // sh and its two sleeps

        var deleting = cluster.Store.Delete(BuiltInTypes.Pods, "default", "tree");

        Assert.NotNull(deleting["metadata"]?["deletionTimestamp"]); // the kubelet's finalizer holds it while processes stop
        await cluster.WaitGoneAsync("tree");
        Assert.Empty(ProcessAssert.Members(group));
        Assert.Contains(cluster.Events("tree"), e => e.Reason == "Killing" && e.Message == "Stopping container main");
    }

    [Fact]
    public async Task DeletePod_Should_SigkillAfterGracePeriod_When_ProcessIgnoresSigterm()
    {
        await using var cluster = await KubeletHarness.StartAsync();
        var pod = KubeletHarness.ShellPod("stubborn", "trap '' TERM; sleep 300 & wait; sleep 300");
        pod.Spec.TerminationGracePeriodSeconds = 1;
        cluster.Create(pod);
        await cluster.WaitAsync("stubborn", p => KubeletHarness.Container(p).State?.Running is not null, "running");
        var group = cluster.Kubelet.ProcessId("default", "stubborn", "main")!.Value;
        await WaitForMembersAsync(group, 2);

        cluster.Store.Delete(BuiltInTypes.Pods, "default", "stubborn");
        await Task.Delay(500);
        Assert.NotEmpty(ProcessAssert.Members(group)); // still within its grace period: SIGTERM is ignored

        await cluster.WaitGoneAsync("stubborn");
        Assert.Empty(ProcessAssert.Members(group));
    }

    [Fact]
    public async Task Dispose_Should_LeaveNoProcesses_When_PodsAreRunning()
    {
        var cluster = await KubeletHarness.StartAsync();
        var groups = new List<int>();
        try
        {
            foreach (var name in new[] { "a", "b" })
            {
                cluster.Create(KubeletHarness.ShellPod(name, "sleep 300 & sleep 300"));
                await cluster.WaitAsync(name, p => KubeletHarness.Container(p).State?.Running is not null, "running");
                groups.Add(cluster.Kubelet.ProcessId("default", name, "main")!.Value);
            }
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        foreach (var group in groups) Assert.Empty(ProcessAssert.Members(group));
        Assert.All(cluster.Store.List<k8s.Models.V1Pod>(BuiltInTypes.Pods, "default"),
            p => Assert.DoesNotContain("localcluster.llmoperator.dev/kubelet", p.Metadata.Finalizers ?? []));
    }

    [Fact]
    public async Task Watchdog_Should_KillRegisteredGroups_When_ItsPipeCloses()
    {
        // The pipe closes when the kubelet's host process ends in any way, SIGKILL included.
        var watchdog = new OrphanWatchdog();
        var process = HostProcess.Start(
            new ProcessLaunch("/bin/sh", ["-c", "trap '' TERM; sleep 300 & wait"], Environment(), Path.GetTempPath()), _ => { }, watchdog);
        await WaitForMembersAsync(process.Id, 2);

        watchdog.Dispose();

        await ProcessAssert.GroupGoneAsync(process.Id);
        Assert.False(ProcessAssert.Alive(watchdog.ProcessId!.Value));
    }

    private static Dictionary<string, string> Environment() =>
        new() { ["PATH"] = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin" };

    private static async Task WaitForMembersAsync(int group, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (ProcessAssert.Members(group).Count < count)
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"group {group} never had {count} processes");
            await Task.Delay(20);
        }
    }
}
