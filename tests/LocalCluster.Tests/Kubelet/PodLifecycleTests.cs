using k8s.Models;

namespace LlmOperator.LocalCluster.Tests.Kubelet;

public sealed class PodLifecycleTests
{
    [Fact]
    public async Task RunPod_Should_BecomeReady_When_HttpReadinessProbeSucceeds()
    {
        await using var cluster = await KubeletHarness.StartAsync();
        var pod = KubeletHarness.ShellPod("web", "exec python3 -m http.server \"$PORT\" --bind 127.0.0.1");
        pod.Spec.Containers[0].Ports = [new V1ContainerPort { ContainerPort = 8080, Name = "http" }];
        pod.Spec.Containers[0].ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/", Port = "http" }, PeriodSeconds = 1 };
        cluster.Create(pod);

        var ready = await cluster.WaitAsync("web", p => KubeletHarness.Condition(p, "Ready"), "Ready");

        Assert.Equal("Running", ready.Status.Phase);
        Assert.Equal("127.0.0.1", ready.Status.PodIP);
        var status = KubeletHarness.Container(ready);
        Assert.True(status.Ready);
        Assert.True(status.Started);
        Assert.NotNull(status.State.Running);
        var hostPort = int.Parse(ready.Metadata.Annotations["localcluster.llmoperator.dev/port-8080"]);
        using var http = new HttpClient();
        var listing = await http.GetStringAsync($"http://127.0.0.1:{hostPort}/");
        Assert.Contains("Directory listing", listing);
        Assert.Contains(cluster.Events("web"), e => e.Reason == "Started");
    }

    [Fact]
    public async Task RunPod_Should_StayUnready_When_ReadinessProbeFails()
    {
        await using var cluster = await KubeletHarness.StartAsync();
        var pod = KubeletHarness.ShellPod("deaf", "exec sleep 30");
        pod.Spec.Containers[0].Ports = [new V1ContainerPort { ContainerPort = 9000 }];
        pod.Spec.Containers[0].ReadinessProbe = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = 9000 }, PeriodSeconds = 1 };
        cluster.Create(pod);

        await cluster.WaitAsync("deaf", p => cluster.Events("deaf").Any(e => e.Reason == "Unhealthy"), "probed");
        var probed = cluster.Get("deaf")!;

        Assert.Equal("Running", probed.Status.Phase);
        Assert.False(KubeletHarness.Condition(probed, "Ready"));
        var ready = probed.Status.Conditions.Single(c => c.Type == "Ready");
        Assert.Equal("ContainersNotReady", ready.Reason);
        Assert.Equal("containers with unready status: [main]", ready.Message);
        Assert.Contains(cluster.Events("deaf"), e => e.Message.StartsWith("Readiness probe failed: dial tcp 127.0.0.1:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunPod_Should_FailWithExitCodeAndMessage_When_ProcessWritesTerminationMessage()
    {
        await using var cluster = await KubeletHarness.StartAsync();
        // The path is passed as an argument: the kubelet rewrites it to the container's host file.
        var pod = KubeletHarness.ShellPod("fails", "printf 'model not found' > \"$1\"; exit 7", restartPolicy: "Never");
        pod.Spec.Containers[0].Command.Add("sh");
        pod.Spec.Containers[0].Command.Add("/dev/termination-log");
        cluster.Create(pod);

        var failed = await cluster.WaitAsync("fails", p => p.Status?.Phase == "Failed", "Failed");

        var terminated = KubeletHarness.Container(failed).State.Terminated;
        Assert.Equal(7, terminated.ExitCode);
        Assert.Equal("Error", terminated.Reason);
        Assert.Equal("model not found", terminated.Message);
        Assert.NotNull(terminated.StartedAt);
        Assert.NotNull(terminated.FinishedAt);
        Assert.Equal(0, KubeletHarness.Container(failed).RestartCount);
        Assert.Equal("PodCompleted", failed.Status.Conditions.Single(c => c.Type == "Ready").Reason);
    }

    [Fact]
    public async Task RunPod_Should_UseLogTail_When_FallbackToLogsOnErrorAndNoMessageFile()
    {
        await using var cluster = await KubeletHarness.StartAsync();
        var pod = KubeletHarness.ShellPod("crash", "i=1; while [ $i -le 100 ]; do echo \"line $i\"; i=$((i+1)); done; exit 134", restartPolicy: "Never");
        pod.Spec.Containers[0].TerminationMessagePolicy = "FallbackToLogsOnError";
        cluster.Create(pod);

        var failed = await cluster.WaitAsync("crash", p => p.Status?.Phase == "Failed", "Failed");

        var message = KubeletHarness.Container(failed).State.Terminated.Message;
        var lines = message.Split('\n');
        Assert.Equal(80, lines.Length);
        Assert.Equal("line 21", lines[0]);
        Assert.Equal("line 100", lines[^1]);
        Assert.Equal(134, KubeletHarness.Container(failed).State.Terminated.ExitCode);
    }

    [Fact]
    public async Task RunPod_Should_Succeed_When_ProcessExitsZeroUnderOnFailure()
    {
        await using var cluster = await KubeletHarness.StartAsync();
        var pod = KubeletHarness.ShellPod("job", "echo done", restartPolicy: "OnFailure");
        pod.Spec.Containers[0].TerminationMessagePolicy = "FallbackToLogsOnError";
        cluster.Create(pod);

        var done = await cluster.WaitAsync("job", p => p.Status?.Phase == "Succeeded", "Succeeded");

        var terminated = KubeletHarness.Container(done).State.Terminated;
        Assert.Equal(0, terminated.ExitCode);
        Assert.Equal("Completed", terminated.Reason);
        Assert.Null(terminated.Message); // the log fallback applies to failures only
        Assert.Equal("done\n", cluster.Kubelet.ReadLog(KubeletHarness.Namespace, "job", "main", previous: false, tailLines: null));
    }

    [Fact]
    public async Task RunPod_Should_RunInitContainersFirst_When_PodHasThem()
    {
        await using var cluster = await KubeletHarness.StartAsync();
        var pod = KubeletHarness.ShellPod("init", "cat \"$WORK/prepared\"", restartPolicy: "Never");
        var env = new List<V1EnvVar> { new() { Name = "WORK", Value = "/work" } };
        var mounts = new List<V1VolumeMount> { new() { Name = "work", MountPath = "/work" } };
        pod.Spec.Volumes = [new V1Volume { Name = "work", EmptyDir = new V1EmptyDirVolumeSource() }];
        pod.Spec.Containers[0].Env = env;
        pod.Spec.Containers[0].VolumeMounts = mounts;
        pod.Spec.InitContainers =
        [
            new V1Container { Name = "prepare", Image = "busybox", Command = ["/bin/sh", "-c", "echo ready > \"$WORK/prepared\""], Env = env, VolumeMounts = mounts },
        ];
        cluster.Create(pod);

        var done = await cluster.WaitAsync("init", p => p.Status?.Phase is "Succeeded" or "Failed", "finished");

        Assert.Equal("Succeeded", done.Status.Phase);
        Assert.Equal("Completed", done.Status.InitContainerStatuses.Single().State.Terminated.Reason);
        Assert.Equal("True", done.Status.Conditions.Single(c => c.Type == "Initialized").Status);
        Assert.Equal("ready\n", cluster.Kubelet.ReadLog("default", "init", "main", previous: false, tailLines: null));
    }

    [Fact]
    public async Task RunPod_Should_FailWithoutRunningContainers_When_InitContainerFailsUnderNever()
    {
        await using var cluster = await KubeletHarness.StartAsync();
        var pod = KubeletHarness.ShellPod("badinit", "echo never runs", restartPolicy: "Never");
        pod.Spec.InitContainers = [new V1Container { Name = "prepare", Image = "busybox", Command = ["/bin/sh", "-c", "exit 5"] }];
        cluster.Create(pod);

        var failed = await cluster.WaitAsync("badinit", p => p.Status?.Phase == "Failed", "Failed");

        Assert.Equal(5, failed.Status.InitContainerStatuses.Single().State.Terminated.ExitCode);
        Assert.Equal("PodInitializing", KubeletHarness.Container(failed).State.Waiting.Reason);
        var initialized = failed.Status.Conditions.Single(c => c.Type == "Initialized");
        Assert.Equal(("False", "containers with incomplete status: [prepare]"), (initialized.Status, initialized.Message));
    }

    [Fact]
    public async Task RunPod_Should_StillStartPods_When_WatchStreamsWereCut()
    {
        await using var cluster = await KubeletHarness.StartAsync();
        cluster.Store.CloseWatches(); // fault injection: the kubelet's watch ends and it must list again

        cluster.Create(KubeletHarness.ShellPod("after-cut", "echo alive", restartPolicy: "Never"));

        Assert.Equal("Succeeded", (await cluster.WaitAsync("after-cut", p => p.Status?.Phase == "Succeeded", "Succeeded")).Status.Phase);
    }

    [Fact]
    public async Task RunPod_Should_BeReadyOnlyWhenEveryContainerIs_When_PodHasTwoContainers()
    {
        await using var cluster = await KubeletHarness.StartAsync();
        var pod = KubeletHarness.ShellPod("pair", "exec sleep 30");
        pod.Spec.Containers.Add(new V1Container
        {
            Name = "sidecar", Image = "busybox", Command = ["/bin/sh", "-c", "exec sleep 30"],
            ReadinessProbe = new V1Probe { Exec = new V1ExecAction { Command = ["/bin/sh", "-c", "exit 1"] }, PeriodSeconds = 1 },
        });
        cluster.Create(pod);

        var running = await cluster.WaitAsync("pair", p => p.Status?.ContainerStatuses?.Count(c => c.State?.Running is not null) == 2
            && KubeletHarness.Container(p).Ready == true, "both running");

        Assert.False(KubeletHarness.Container(running, "sidecar").Ready);
        Assert.Equal("containers with unready status: [sidecar]", running.Status.Conditions.Single(c => c.Type == "Ready").Message);
    }
}
