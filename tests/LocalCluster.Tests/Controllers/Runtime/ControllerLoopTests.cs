using LlmOperator.LocalCluster.Storage;
using LlmOperator.LocalCluster.Tests.Controllers.Support;

namespace LlmOperator.LocalCluster.Tests.Controllers.Runtime;

public sealed class ControllerLoopTests
{
    [Fact]
    public async Task Controllers_Should_ResumeWhereTheyStopped_When_TheStoreCutsEveryWatch()
    {
        await using var cluster = await TestCluster.StartAsync();
        cluster.Store.Create(BuiltInTypes.Deployments, Manifests.Deployment("web", 2, "engine:v1"));
        await cluster.WaitForAsync(BuiltInTypes.Deployments, Manifests.Namespace, "web", ClusterQueries.RolledOut, "web is rolled out");

        cluster.Store.CloseWatches();
        cluster.UpdateDeployment("web", d => d["spec"]!["replicas"] = 3);

        await cluster.WaitForAsync(BuiltInTypes.Deployments, Manifests.Namespace, "web",
            d => ClusterQueries.RolledOut(d) && d["status"]!["availableReplicas"].AsInt() == 3, "the change made after the cut is rolled out");
    }
}
