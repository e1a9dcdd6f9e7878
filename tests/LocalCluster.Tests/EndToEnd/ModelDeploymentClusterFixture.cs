using LlmOperator.LocalCluster.Tests.Support;

namespace LlmOperator.LocalCluster.Tests.EndToEnd;

/// <summary>A <see cref="StandardClusterFixture"/> with the repository's CRD applied by kubectl, as a user installs it.</summary>
public sealed class ModelDeploymentClusterFixture : IAsyncLifetime
{
    public const string Crd = "modeldeployments.inference.llmoperator.dev";

    public StandardClusterFixture Standard { get; } = new();

    public LocalClusterHost Cluster => Standard.Cluster;

    /// <summary>What <c>kubectl apply -f crds/</c> printed; empty where kubectl is absent (the tests are skipped).</summary>
    public string CrdApplyOutput { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await Standard.InitializeAsync();
        if (Kubectl.Executable is null) return;
        using var kubectl = new Kubectl(Cluster.KubeconfigPath);
        CrdApplyOutput = await kubectl.SucceedAsync("apply", "-f", RepositoryFiles.Of("crds"));
        await kubectl.SucceedAsync("wait", "--for=condition=Established", $"crd/{Crd}", "--timeout=30s");
    }

    public Task DisposeAsync() => Standard.DisposeAsync();
}
