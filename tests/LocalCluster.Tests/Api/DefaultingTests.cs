using k8s;
using k8s.Models;
using LlmOperator.LocalCluster.Tests.Support;

namespace LlmOperator.LocalCluster.Tests.Api;

public sealed class DefaultingTests
{
    [Fact]
    public async Task Create_Should_FillKubeApiserverDefaults_When_DeploymentOmitsThem()
    {
        await using var cluster = await Clusters.StartAsync();
        var deployment = Clusters.Deployment("web", image: "nginx");
        deployment.Spec.Replicas = null;
        deployment.Spec.Template.Spec.Containers[0].Ports = [new V1ContainerPort { ContainerPort = 80 }];

        var created = await cluster.CreateClient().AppsV1.CreateNamespacedDeploymentAsync(deployment, "default");

        Assert.Equal(1, created.Spec.Replicas);
        Assert.Equal("RollingUpdate", created.Spec.Strategy.Type);
        Assert.Equal("25%", created.Spec.Strategy.RollingUpdate.MaxSurge.Value);
        Assert.Equal(600, created.Spec.ProgressDeadlineSeconds);
        var pod = created.Spec.Template.Spec;
        Assert.Equal("Always", pod.RestartPolicy);
        Assert.Equal(30, pod.TerminationGracePeriodSeconds);
        var container = pod.Containers[0];
        Assert.Equal("Always", container.ImagePullPolicy);
        Assert.Equal("File", container.TerminationMessagePolicy);
        Assert.Equal("TCP", container.Ports[0].Protocol);
    }

    [Fact]
    public async Task Create_Should_MergeStringDataIntoData_When_SecretHasStringData()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        var secret = new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "engine-key" },
            Data = new Dictionary<string, byte[]> { ["api-key"] = "old"u8.ToArray(), ["kept"] = "k"u8.ToArray() },
            StringData = new Dictionary<string, string> { ["api-key"] = "sk-new" },
        };

        await client.CoreV1.CreateNamespacedSecretAsync(secret, "default");
        var stored = await client.CoreV1.ReadNamespacedSecretAsync("engine-key", "default");

        Assert.Equal("sk-new", System.Text.Encoding.UTF8.GetString(stored.Data["api-key"]));
        Assert.Equal("k", System.Text.Encoding.UTF8.GetString(stored.Data["kept"]));
        Assert.Null(stored.StringData);
        Assert.Equal("Opaque", stored.Type);
    }

    [Fact]
    public async Task Create_Should_KeepGivenValues_When_FieldsAreSet()
    {
        await using var cluster = await Clusters.StartAsync();
        var deployment = Clusters.Deployment("web", replicas: 0, image: "engine:1.2");
        deployment.Spec.Strategy = new V1DeploymentStrategy { Type = "Recreate" };

        var created = await cluster.CreateClient().AppsV1.CreateNamespacedDeploymentAsync(deployment, "default");

        Assert.Equal(0, created.Spec.Replicas);
        Assert.Equal("Recreate", created.Spec.Strategy.Type);
        Assert.Null(created.Spec.Strategy.RollingUpdate);
        Assert.Equal("IfNotPresent", created.Spec.Template.Spec.Containers[0].ImagePullPolicy);
    }

    [Fact]
    public async Task Create_Should_DefaultServicePorts_When_TargetPortIsMissing()
    {
        await using var cluster = await Clusters.StartAsync();
        var service = new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "web" }, Ports = [new V1ServicePort { Port = 8000 }] },
        };

        var created = await cluster.CreateClient().CoreV1.CreateNamespacedServiceAsync(service, "default");

        Assert.Equal("ClusterIP", created.Spec.Type);
        Assert.Equal("TCP", created.Spec.Ports[0].Protocol);
        Assert.Equal("8000", created.Spec.Ports[0].TargetPort.Value);
    }
}
