using k8s.Models;
using LlmOperator.LocalCluster.Kubelet;
using LlmOperator.LocalCluster.Kubelet.Containers;

namespace LlmOperator.LocalCluster.Tests.Kubelet;

/// <summary>
/// What the engine image holds besides its entrypoint: the <c>llm-engine</c> program the operator's pods name as their
/// command, and an environment pointing at the node's Hugging Face cache. A shell script plays the engine here, so the
/// test sees exactly the argv and environment the kubelet gives it.
/// </summary>
public sealed class ImageProgramAndModelCacheTests
{
    private const string Script = "echo \"$0 $* cache=$HF_HUB_CACHE\"";

    [Fact]
    public async Task RunPod_Should_RunTheImagesProgramWithTheModelCache_When_CommandNamesTheProgram()
    {
        var cache = Directory.CreateTempSubdirectory("model-cache-").FullName;
        try
        {
            await using var cluster = await KubeletHarness.StartAsync(Options(cache));
            cluster.Create(EnginePod("engine", command: ["llm-engine", "serve"], env: null));

            var lines = await LogOfFinishedPodAsync(cluster, "engine");

            Assert.Equal($"serve --model org/name cache={cache}", lines);
            Assert.Equal(cache, cluster.Kubelet.ModelCache);
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    [Fact]
    public async Task RunPod_Should_LetThePodsEnvOverrideTheModelCache_When_ItSetsHfHubCache()
    {
        await using var cluster = await KubeletHarness.StartAsync(Options(modelCache: null));
        cluster.Create(EnginePod("override", command: ["llm-engine", "serve"], env: [new V1EnvVar { Name = "HF_HUB_CACHE", Value = "/mnt/hub" }]));

        var line = await LogOfFinishedPodAsync(cluster, "override");

        Assert.Equal("serve --model org/name cache=/mnt/hub", line);
        // Without the option the cache is a folder of the kubelet's own temporary state.
        Assert.True(Directory.Exists(cluster.Kubelet.ModelCache), cluster.Kubelet.ModelCache);
        Assert.Equal("model-cache", Path.GetFileName(cluster.Kubelet.ModelCache));
    }

    [Fact]
    public void Default_Should_MapTheEngineProgramToTheCheckoutsEngine_When_TheEngineIsBuilt()
    {
        var dll = EngineLocator.Find();
        Assert.True(dll is not null, EngineLocator.NotFoundMessage());

        var rule = ImageMap.Default().Resolve("ghcr.io/llmoperator/engine:0.1.0");

        Assert.Equal([EngineLocator.DotnetHost(), dll], rule.Programs![ImageMap.EngineProgram]);
        Assert.Equal(rule.Entrypoint, rule.Programs[ImageMap.EngineProgram]);
    }

    private static KubeletOptions Options(string? modelCache) => new()
    {
        // The engine image, with a shell script standing in for the engine program.
        Images = ImageMap.Default().With(new ImageRule(ImageMap.EngineRepository, ImageRuntime.HostProcess, ["/bin/sh", "-c", Script],
            Programs: new Dictionary<string, IReadOnlyList<string>> { [ImageMap.EngineProgram] = ["/bin/sh", "-c", Script] })),
        ModelCache = modelCache,
        CrashLoopBackOffInitial = TimeSpan.FromMilliseconds(500),
        ShutdownGracePeriod = TimeSpan.FromSeconds(2),
    };

    private static V1Pod EnginePod(string name, IList<string> command, IList<V1EnvVar>? env) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec
        {
            RestartPolicy = "Never",
            TerminationGracePeriodSeconds = 2,
            Containers = [new V1Container { Name = "engine", Image = "ghcr.io/llmoperator/engine:0.1.0", Command = command, Args = ["--model", "org/name"], Env = env }],
        },
    };

    private static async Task<string> LogOfFinishedPodAsync(KubeletHarness cluster, string name)
    {
        var done = await cluster.WaitAsync(name, p => p.Status?.Phase is "Succeeded" or "Failed", "finished");
        Assert.Equal("Succeeded", done.Status.Phase);
        return cluster.Kubelet.ReadLog("default", name, "engine", false, null)!.Trim();
    }
}
