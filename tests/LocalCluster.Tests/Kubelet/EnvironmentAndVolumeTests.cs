using k8s.Models;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Tests.Kubelet;

public sealed class EnvironmentAndVolumeTests
{
    [Fact]
    public async Task RunPod_Should_ResolveEnvAndMountConfigMap_When_ContainerReferencesThem()
    {
        await using var cluster = await KubeletHarness.StartAsync();
        cluster.Store.Create(BuiltInTypes.ConfigMaps, new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "model", NamespaceProperty = "default" },
            Data = new Dictionary<string, string> { ["greeting"] = "hello", ["config.json"] = "{\"hidden_size\": 64}" },
        });
        cluster.Store.Create(BuiltInTypes.Secrets, new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "token", NamespaceProperty = "default" },
            Data = new Dictionary<string, byte[]> { ["value"] = "s3cret"u8.ToArray() },
        });
        // $1 is the mounted file: an argument naming a path under a mountPath is rewritten to the host folder.
        var pod = KubeletHarness.ShellPod("env", "echo \"$POD $NS $GREETING $TOKEN $MESSAGE\"; cat \"$1\"; echo; echo \"$PORT\"", restartPolicy: "Never");
        var container = pod.Spec.Containers[0];
        container.Command.Add("sh");
        container.Command.Add("/etc/model/config.json");
        container.Ports = [new V1ContainerPort { ContainerPort = 8000 }];
        container.Env =
        [
            new V1EnvVar { Name = "POD", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name" } } },
            new V1EnvVar { Name = "NS", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.namespace" } } },
            new V1EnvVar { Name = "GREETING", ValueFrom = new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = "model", Key = "greeting" } } },
            new V1EnvVar { Name = "TOKEN", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "token", Key = "value" } } },
            new V1EnvVar { Name = "MESSAGE", Value = "$(GREETING) from $(POD), $$(not expanded)" },
        ];
        container.VolumeMounts = [new V1VolumeMount { Name = "config", MountPath = "/etc/model" }];
        pod.Spec.Volumes = [new V1Volume { Name = "config", ConfigMap = new V1ConfigMapVolumeSource { Name = "model" } }];
        cluster.Create(pod);

        var done = await cluster.WaitAsync("env", p => p.Status?.Phase is "Succeeded" or "Failed", "finished");

        Assert.Equal("Succeeded", done.Status.Phase);
        var lines = cluster.Kubelet.ReadLog("default", "env", "main", false, null)!.Split('\n');
        Assert.Equal("env default hello s3cret hello from env, $(not expanded)", lines[0]);
        Assert.Equal("{\"hidden_size\": 64}", lines[1]);
        Assert.Equal(done.Metadata.Annotations["localcluster.llmoperator.dev/port-8000"], lines[2]); // PORT is the host port
    }

    [Fact]
    public async Task RunPod_Should_WaitWithConfigError_When_ConfigMapIsMissing()
    {
        await using var cluster = await KubeletHarness.StartAsync();
        var pod = KubeletHarness.ShellPod("orphan", "echo never");
        pod.Spec.Containers[0].Env =
        [
            new V1EnvVar { Name = "X", ValueFrom = new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = "absent", Key = "x" } } },
        ];
        cluster.Create(pod);

        var waiting = await cluster.WaitAsync("orphan", p => KubeletHarness.Container(p).State?.Waiting?.Reason == "CreateContainerConfigError", "waiting");

        Assert.Equal("configmap \"absent\" not found", KubeletHarness.Container(waiting).State.Waiting.Message);
        Assert.Equal("Pending", waiting.Status.Phase);
    }

    [Fact]
    public async Task RunPod_Should_ReportStartError_When_CommandDoesNotExist()
    {
        await using var cluster = await KubeletHarness.StartAsync();
        var pod = KubeletHarness.ShellPod("typo", "", restartPolicy: "Never");
        pod.Spec.Containers[0].Command = ["/no/such/program"];
        cluster.Create(pod);

        var failed = await cluster.WaitAsync("typo", p => p.Status?.Phase == "Failed", "Failed");

        var terminated = KubeletHarness.Container(failed).State.Terminated;
        Assert.Equal((128, "StartError"), (terminated.ExitCode, terminated.Reason));
        Assert.Contains("\"/no/such/program\": executable file not found", terminated.Message);
    }
}
