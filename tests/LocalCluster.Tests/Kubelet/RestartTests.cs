using k8s.Models;

namespace LlmOperator.LocalCluster.Tests.Kubelet;

public sealed class RestartTests
{
    [Fact]
    public async Task RunPod_Should_BackOffWithCrashLoopBackOff_When_ContainerKeepsFailing()
    {
        await using var cluster = await KubeletHarness.StartAsync();
        cluster.Create(KubeletHarness.ShellPod("crashy", "echo crashing; exit 3"));

        var backingOff = await cluster.WaitAsync("crashy",
            p => KubeletHarness.Container(p).State?.Waiting?.Reason == "CrashLoopBackOff", "in CrashLoopBackOff");

        var status = KubeletHarness.Container(backingOff);
        Assert.True(status.RestartCount >= 1);
        Assert.Equal(3, status.LastState.Terminated.ExitCode);
        Assert.Equal("Error", status.LastState.Terminated.Reason);
        Assert.StartsWith("back-off 500ms restarting failed container=main pod=crashy_default(", status.State.Waiting.Message.Replace("0.5s", "500ms"));
        Assert.Equal("Running", backingOff.Status.Phase); // restartPolicy Always: a crash-looping pod is still Running
        Assert.Contains(cluster.Events("crashy"), e => e.Reason == "BackOff" && e.Type == "Warning");
    }

    [Fact]
    public async Task ReadLog_Should_ReturnCurrentAndPreviousInstance_When_ContainerRestarted()
    {
        await using var cluster = await KubeletHarness.StartAsync();
        // The run counter lives in an emptyDir, found through an env var the kubelet rewrites to the host folder.
        var pod = KubeletHarness.ShellPod("counter",
            "n=$(cat \"$DATA/n\" 2>/dev/null || echo 0); n=$((n+1)); echo $n > \"$DATA/n\"; echo \"start $n\"; echo \"run $n\"; " +
            "if [ $n -ge 2 ]; then exec sleep 30; fi; exit 1");
        pod.Spec.Volumes = [new V1Volume { Name = "data", EmptyDir = new V1EmptyDirVolumeSource() }];
        pod.Spec.Containers[0].VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = "/data" }];
        pod.Spec.Containers[0].Env = [new V1EnvVar { Name = "DATA", Value = "/data" }];
        cluster.Create(pod);

        await cluster.WaitAsync("counter", p => KubeletHarness.Container(p).RestartCount == 1 && KubeletHarness.Container(p).State?.Running is not null, "restarted once");
        await WaitForLogAsync(cluster, "counter", "run 2");

        var logs = cluster.Kubelet;
        Assert.Equal("start 2\nrun 2\n", logs.ReadLog("default", "counter", "main", previous: false, tailLines: null));
        Assert.Equal("start 1\nrun 1\n", logs.ReadLog("default", "counter", "main", previous: true, tailLines: null));
        Assert.Equal("run 1\n", logs.ReadLog("default", "counter", "main", previous: true, tailLines: 1));
        Assert.Null(logs.ReadLog("default", "counter", "other", previous: false, tailLines: null));
        Assert.Null(logs.ReadLog("default", "nobody", "main", previous: false, tailLines: null));
    }

    [Fact]
    public async Task FollowLog_Should_YieldBacklogThenNewLines_When_ContainerWrites()
    {
        await using var cluster = await KubeletHarness.StartAsync();
        cluster.Create(KubeletHarness.ShellPod("talker", "echo first; sleep 0.3; echo second; sleep 0.3; echo third", restartPolicy: "Never"));
        await cluster.WaitAsync("talker", p => KubeletHarness.Container(p).State?.Running is not null, "running");

        var lines = new List<string>();
        using var timeout = new CancellationTokenSource(KubeletHarness.Timeout);
        await foreach (var line in cluster.Kubelet.FollowLog("default", "talker", "main", timeout.Token)) lines.Add(line);

        Assert.Equal(["first\n", "second\n", "third\n"], lines);
    }

    [Fact]
    public async Task RunPod_Should_RestartContainer_When_LivenessProbeFails()
    {
        await using var cluster = await KubeletHarness.StartAsync();
        var pod = KubeletHarness.ShellPod("zombie", "exec sleep 30");
        pod.Spec.TerminationGracePeriodSeconds = 1;
        pod.Spec.Containers[0].Ports = [new V1ContainerPort { ContainerPort = 7000 }];
        pod.Spec.Containers[0].LivenessProbe = new V1Probe
        {
            TcpSocket = new V1TCPSocketAction { Port = 7000 }, PeriodSeconds = 1, FailureThreshold = 1,
        };
        cluster.Create(pod);

        var restarted = await cluster.WaitAsync("zombie", p => KubeletHarness.Container(p).RestartCount >= 1, "restarted");

        Assert.Equal(143, KubeletHarness.Container(restarted).LastState.Terminated.ExitCode); // SIGTERM: 128 + 15
        Assert.Contains(cluster.Events("zombie"), e => e.Reason == "Killing" && e.Message == "Container main failed liveness probe, will be restarted");
    }

    private static async Task WaitForLogAsync(KubeletHarness cluster, string pod, string text)
    {
        var deadline = DateTime.UtcNow + KubeletHarness.Timeout;
        while (cluster.Kubelet.ReadLog("default", pod, "main", false, null)?.Contains(text) != true)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"log of {pod} never contained \"{text}\"");
            await Task.Delay(50);
        }
    }
}
