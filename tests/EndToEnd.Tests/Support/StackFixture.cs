using LlmOperator.LocalCluster.Kubelet.Containers;
using LlmOperator.Operator.Up;

namespace LlmOperator.EndToEnd.Tests.Support;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    // One engine-running cluster at a time: they share the machine's cores.
    public const string Name = "End to end";
}

/// <summary>
/// What <c>up</c> starts, shared by a test class: the local cluster with the CRD, the operator with its webhooks, and
/// a model cache holding the tiny Llama 4 made by the engine's own make-model (a child process).
/// </summary>
public sealed class StackFixture : IAsyncLifetime
{
    private readonly string _modelCache = Directory.CreateTempSubdirectory("e2e-model-cache-").FullName;

    public LocalStack Stack { get; private set; } = null!;

    public Kubectl Kubectl { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var engine = EngineLocator.Find();
        Assert.True(engine is not null, EngineLocator.NotFoundMessage());
        Assert.True(await EngineTool.EnsureModelAsync(engine, _modelCache, "llmoperator/tiny-llama4", "tiny-llama4", CancellationToken.None));
        Stack = await LocalStack.StartAsync(new LocalStackOptions { ModelCache = _modelCache, CrdDirectory = RepositoryPaths.Of("crds") },
            CancellationToken.None);
        Kubectl = new Kubectl(Stack.Cluster.KubeconfigPath, RepositoryPaths.Root);
    }

    public async Task DisposeAsync()
    {
        Kubectl?.Dispose();
        if (Stack is not null) await Stack.DisposeAsync();
        Directory.Delete(_modelCache, recursive: true);
    }
}
