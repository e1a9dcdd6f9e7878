using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Controllers.Deployments;
using LlmOperator.LocalCluster.Tests.Controllers.Support;

namespace LlmOperator.LocalCluster.Tests.Controllers.Deployments;

public sealed class PodTemplateHashTests
{
    [Fact]
    public void Compute_Should_IgnoreKeyOrderEmptyValuesAndTheHashLabel()
    {
        var template = Manifests.PodTemplate("web", "engine:v1");
        var reordered = JsonNode.Parse("""
            {"spec":{"containers":[{"resources":{"limits":{"nvidia.com/gpu":1}},"ports":[{"containerPort":8000,"name":"http"}],"image":"engine:v1","name":"main"}],"volumes":[]},
             "metadata":{"creationTimestamp":null,"labels":{"pod-template-hash":"abc","app":"web"}}}
            """)!.AsObject();

        Assert.Equal(PodTemplateHash.Compute(template, null), PodTemplateHash.Compute(reordered, null));
        Assert.True(PodTemplateHash.EqualIgnoringHash(template, reordered));
    }

    [Fact]
    public void Compute_Should_Change_When_AnyFieldOrTheCollisionCountChanges()
    {
        var template = Manifests.PodTemplate("web", "engine:v1");
        var hashes = new[]
        {
            PodTemplateHash.Compute(template, null),
            PodTemplateHash.Compute(Manifests.PodTemplate("web", "engine:v2"), null),
            PodTemplateHash.Compute(template, 1),
            PodTemplateHash.Compute(template, 2),
        };

        Assert.Equal(hashes.Length, hashes.Distinct().Count());
        Assert.All(hashes, h => Assert.Matches("^[bcdfghjklmnpqrstvwxz2456789]{1,10}$", h));
        Assert.False(PodTemplateHash.EqualIgnoringHash(template, Manifests.PodTemplate("web", "engine:v2")));
    }
}
