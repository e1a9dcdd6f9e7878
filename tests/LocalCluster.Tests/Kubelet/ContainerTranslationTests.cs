using k8s.Models;
using LlmOperator.LocalCluster.Kubelet.Containers;
using LlmOperator.LocalCluster.Kubelet.Pods;

namespace LlmOperator.LocalCluster.Tests.Kubelet;

public sealed class ContainerTranslationTests
{
    [Theory]
    [InlineData("$(A)-$(B)", "1-2")]
    [InlineData("$(MISSING)", "$(MISSING)")]
    [InlineData("$$(A)", "$(A)")]
    [InlineData("$$", "$")]
    [InlineData("$A ${A} $", "$A ${A} $")]
    [InlineData("$(A", "$(A")]
    [InlineData("$()", "$()")]
    public void Expand_Should_FollowKubernetesRules_When_ValueHasReferences(string input, string expected) =>
        Assert.Equal(expected, VariableExpansion.Expand(input, name => name switch { "A" => "1", "B" => "2", _ => null }));

    [Theory]
    [InlineData("/models/tiny", "/host/models/tiny")]
    [InlineData("/models", "/host/models")]
    [InlineData("--model=/models/tiny", "--model=/host/models/tiny")]
    [InlineData("/models-other/x", "/models-other/x")]
    [InlineData("/models/cache/x", "/host/cache/x")]
    [InlineData("/dev/termination-log", "/pod/term")]
    [InlineData("/dev/termination-log/x", "/dev/termination-log/x")]
    [InlineData("relative/models/x", "relative/models/x")]
    public void Rewrite_Should_MapMountedPaths_When_ValueNamesOne(string value, string expected)
    {
        var paths = new PathMapping();
        paths.AddDirectory("/models/", "/host/models");
        paths.AddDirectory("/models/cache", "/host/cache");
        paths.AddFile("/dev/termination-log", "/pod/term");

        Assert.Equal(expected, paths.Rewrite(value));
    }

    [Fact]
    public void RewriteArguments_Should_TranslateDeclaredPortFlagsOnly_When_ArgsNameContainerPorts()
    {
        var ports = new PortTable(new Dictionary<int, int> { [8000] = 41000, [9090] = 41001 }, new Dictionary<string, int>());

        var args = ports.RewriteArguments(["serve", "--port", "8000", "--metrics-port=9090", "--max-model-len", "8000", "--port", "7777"]);

        Assert.Equal(["serve", "--port", "41000", "--metrics-port=41001", "--max-model-len", "8000", "--port", "7777"], args);
        Assert.Equal(41000, ports.HostPort("8000"));
        Assert.Null(ports.HostPort("7777"));
    }

    [Theory]
    [InlineData("ghcr.io/llmoperator/engine:0.1.0", "ghcr.io/llmoperator/engine")]
    [InlineData("ghcr.io/llmoperator/engine@sha256:abc", "ghcr.io/llmoperator/engine")]
    [InlineData("localhost:5000/llmoperator/engine:dev", "localhost:5000/llmoperator/engine")]
    [InlineData("docker.io/llmoperator/stand-in:1", "llmoperator/stand-in")]
    [InlineData("docker.io/library/busybox", "busybox")]
    [InlineData("busybox:1.36", "busybox")]
    public void Repository_Should_DropTagAndDigest_When_ImageHasThem(string image, string repository) =>
        Assert.Equal(repository, ImageMap.Repository(image));

    [Fact]
    public void Resolve_Should_RunOtherImagesAsHostProcesses_When_NoRuleMatches()
    {
        var map = new ImageMap([new ImageRule(ImageMap.StandInRepository, ImageRuntime.StandIn)]);

        Assert.Equal(ImageRuntime.StandIn, map.Resolve("llmoperator/stand-in:v2").Runtime);
        Assert.Equal(ImageRuntime.HostProcess, map.Resolve("python:3.11").Runtime);
        Assert.Null(map.Resolve("python:3.11").Entrypoint);
    }

    [Fact]
    public void Next_Should_DoubleFromInitialToCap_When_ContainerKeepsCrashing()
    {
        var backOff = new CrashLoopBackOff(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10));

        var delays = Enumerable.Range(0, 8).Select(_ => backOff.Next(TimeSpan.FromSeconds(1)).TotalSeconds).ToList();

        Assert.Equal([0, 10, 20, 40, 80, 160, 300, 300], delays);
        Assert.Equal(TimeSpan.Zero, backOff.Next(TimeSpan.FromMinutes(11))); // ran long enough: starts over
    }

    [Theory]
    [InlineData("Always", "running", "Running")]
    [InlineData("Always", "waiting", "Pending")]
    [InlineData("Always", "crashlooping", "Running")]
    [InlineData("Never", "failed", "Failed")]
    [InlineData("Never", "succeeded", "Succeeded")]
    [InlineData("OnFailure", "failed", "Running")]
    [InlineData("OnFailure", "succeeded", "Succeeded")]
    [InlineData("OnFailure", "crashlooping", "Running")]
    public void Phase_Should_FollowKubeletRules_When_ContainerIsInState(string policy, string state, string phase)
    {
        var status = state switch
        {
            "running" => new V1ContainerState { Running = new V1ContainerStateRunning() },
            "failed" => new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 1 } },
            "succeeded" => new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 0 } },
            _ => new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "CrashLoopBackOff" } },
        };
        var last = state == "crashlooping" ? new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 1 } } : null;

        Assert.Equal(phase, PodStatusBuilder.Phase([], [new V1ContainerStatus { Name = "c", State = status, LastState = last }], policy));
    }

    [Fact]
    public void Tail_Should_KeepLastBytesOnCharacterBoundary_When_LogIsLong()
    {
        var log = new ContainerLog();
        for (var i = 0; i < 50; i++) log.Append(new string('é', 30) + i); // 2 bytes per é: 61+ bytes a line

        var tail = log.Tail(80, 2048);

        Assert.True(System.Text.Encoding.UTF8.GetByteCount(tail) <= 2048);
        Assert.EndsWith("49", tail);
        Assert.DoesNotContain('\uFFFD', tail);
    }
}
