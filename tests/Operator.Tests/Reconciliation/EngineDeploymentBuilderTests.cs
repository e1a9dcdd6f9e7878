using k8s.Models;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Reconciliation.DesiredState;

namespace LlmOperator.Operator.Tests.Reconciliation;

public sealed class EngineDeploymentBuilderTests
{
    private static V1Alpha1ModelDeployment Resource(Action<ModelDeploymentSpec>? change = null)
    {
        var resource = new V1Alpha1ModelDeployment
        {
            Metadata = new V1ObjectMeta { Name = "scout", NamespaceProperty = "ml", Uid = "uid-1", Generation = 1 },
            Spec = new ModelDeploymentSpec
            {
                Model = new ModelSpec { Name = "meta-llama/Llama-4-Scout-17B-16E-Instruct" },
                Engine = new EngineSpec { TensorParallelSize = 4, MaxModelLen = 4096, BlockSize = 16, Dtype = "bfloat16" },
                Replicas = 2,
            },
        };
        change?.Invoke(resource.Spec);
        return resource;
    }

    [Fact]
    public void Build_Should_RequestOneGpuPerRank_When_TensorParallel()
    {
        var container = EngineDeploymentBuilder.Build(Resource()).Spec.Template.Spec.Containers.Single();

        Assert.Equal("4", container.Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.Equal("4", container.Resources.Requests["nvidia.com/gpu"].ToString());
    }

    [Fact]
    public void Build_Should_RenderEngineFlags_When_RuntimeIsEngine()
    {
        var container = EngineDeploymentBuilder.Build(Resource()).Spec.Template.Spec.Containers.Single();

        Assert.Equal(["llm-engine", "serve"], container.Command);
        Assert.Equal("4096", After(container.Args, "--max-model-len"));
        Assert.Equal("4", After(container.Args, "--tensor-parallel-size"));
        Assert.Equal("meta-llama/Llama-4-Scout-17B-16E-Instruct", After(container.Args, "--model"));
        Assert.Equal("/ready", container.ReadinessProbe.HttpGet.Path);
        Assert.Equal("FallbackToLogsOnError", container.TerminationMessagePolicy);
    }

    [Fact]
    public void Build_Should_GatePodReadinessOnTheProbe_When_AnyRuntime()
    {
        foreach (var runtime in new[] { EngineRuntimeName.Engine, EngineRuntimeName.Vllm })
        {
            var spec = EngineDeploymentBuilder.Build(Resource(s => s.Engine.Runtime = runtime)).Spec.Template.Spec;

            var gate = Assert.Single(spec.ReadinessGates);
            Assert.Equal("inference.llmoperator.dev/proven", gate.ConditionType);
        }
    }

    [Fact]
    public void Build_Should_RenderVllmServer_When_RuntimeIsVllm()
    {
        var resource = Resource(s => { s.Engine.Runtime = EngineRuntimeName.Vllm; s.Engine.RuntimeVersion = "0.8.4"; });

        var container = EngineDeploymentBuilder.Build(resource).Spec.Template.Spec.Containers.Single();

        Assert.Equal("vllm/vllm-openai:v0.8.4", container.Image);
        Assert.Equal(["python3", "-m", "vllm.entrypoints.openai.api_server"], container.Command);
        Assert.Equal("16", After(container.Args, "--block-size"));
        Assert.Equal("/health", container.ReadinessProbe.HttpGet.Path);
    }

    [Fact]
    public void Build_Should_KeepRevision_When_SpecIsUnchanged()
    {
        var first = Revision(EngineDeploymentBuilder.Build(Resource()));
        var second = Revision(EngineDeploymentBuilder.Build(Resource()));
        var changed = Revision(EngineDeploymentBuilder.Build(Resource(s => s.Engine.MaxModelLen = 8192)));
        var scaled = Revision(EngineDeploymentBuilder.Build(Resource(s => s.Replicas = 5)));

        Assert.Equal(first, second);
        Assert.NotEqual(first, changed);
        Assert.Equal(first, scaled);
        Assert.Matches("^[bcdfghjklmnpqrstvwxz2456789]+$", first);
    }

    [Fact]
    public void Build_Should_BeOwnedAndLabelled_When_Built()
    {
        var deployment = EngineDeploymentBuilder.Build(Resource());

        var owner = deployment.Metadata.OwnerReferences.Single();
        Assert.Equal(("ModelDeployment", "scout", "uid-1", true), (owner.Kind, owner.Name, owner.Uid, owner.Controller ?? false));
        Assert.Equal("llm-operator", deployment.Metadata.Labels["app.kubernetes.io/managed-by"]);
        Assert.Equal(deployment.Spec.Selector.MatchLabels, deployment.Spec.Selector.MatchLabels
            .Where(l => deployment.Spec.Template.Metadata.Labels[l.Key] == l.Value).ToDictionary());
        Assert.Equal("0", deployment.Spec.Strategy.RollingUpdate.MaxSurge.Value);
        Assert.Equal("1", deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value);
    }

    [Fact]
    public void Build_Should_MountWeightsReadOnly_When_ModelIsOnPvc()
    {
        var resource = Resource(s => s.Model.Weights = new WeightsSource { Pvc = new PvcWeights { ClaimName = "models", Path = "/scout" } });

        var pod = EngineDeploymentBuilder.Build(resource).Spec.Template.Spec;

        Assert.Equal("/models/scout", After(pod.Containers.Single().Args, "--model"));
        Assert.True(pod.Volumes.Single(v => v.Name == "weights").PersistentVolumeClaim.ReadOnlyProperty);
        Assert.Equal("Memory", pod.Volumes.Single(v => v.Name == "dshm").EmptyDir.Medium);
    }

    [Fact]
    public void ServiceBuild_Should_SelectThePods_When_Built()
    {
        var resource = Resource();
        var service = EngineServiceBuilder.Build(resource);
        var deployment = EngineDeploymentBuilder.Build(resource);

        Assert.Equal(deployment.Spec.Selector.MatchLabels, service.Spec.Selector);
        Assert.Equal(8000, service.Spec.Ports.Single().Port);
        Assert.Equal("http://scout.ml.svc:8000/v1", EngineServiceBuilder.Endpoint(resource));
    }

    private static string Revision(V1Deployment deployment) => deployment.Spec.Template.Metadata.Labels[EngineLabels.Revision];

    private static string After(IList<string> args, string flag) => args[args.IndexOf(flag) + 1];
}
