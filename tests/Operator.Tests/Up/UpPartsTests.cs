using k8s.Models;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Up;

namespace LlmOperator.Operator.Tests.Up;

/// <summary>The decisions inside <c>up</c> that need no cluster (its whole run is tested in EndToEnd.Tests).</summary>
public sealed class UpPartsTests
{
    [Theory]
    [InlineData("llmoperator/tiny-llama4", "tiny-llama4")]
    [InlineData("tiny-llama", "tiny-llama")]
    public void Preset_Should_BeTheCatalogNamesLastPart_When_GivenTheExamplesModel(string model, string preset) =>
        Assert.Equal(preset, UpRunner.Preset(model));

    [Fact]
    public void IsCached_Should_NeedASnapshotInHuggingFacesLayout_When_CheckingTheModelCache()
    {
        var cache = Directory.CreateTempSubdirectory("up-cache-").FullName;
        try
        {
            Assert.False(EngineTool.IsCached(cache, "llmoperator/tiny-llama4"));
            var snapshots = Directory.CreateDirectory(Path.Combine(cache, "models--llmoperator--tiny-llama4", "snapshots")).FullName;
            Assert.False(EngineTool.IsCached(cache, "llmoperator/tiny-llama4"));
            Directory.CreateDirectory(Path.Combine(snapshots, "0123abcd"));
            Assert.True(EngineTool.IsCached(cache, "llmoperator/tiny-llama4"));
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    [Theory]
    [InlineData("True", 2, 2, 2, true)]
    [InlineData("True", 1, 2, 2, false)] // the condition speaks of an older spec
    [InlineData("True", 2, 1, 2, false)] // the status was written for an older spec
    [InlineData("False", 2, 2, 2, false)]
    public void IsReady_Should_RequireReadyForTheCurrentGeneration_When_LikeKubectlWait(string status, long conditionGeneration,
        long statusGeneration, long generation, bool ready)
    {
        var md = new V1Alpha1ModelDeployment
        {
            Metadata = new V1ObjectMeta { Generation = generation },
            Status = new ModelDeploymentStatus
            {
                ObservedGeneration = statusGeneration,
                Conditions = [new V1Condition { Type = ConditionTypes.Ready, Status = status, ObservedGeneration = conditionGeneration, Reason = "R", Message = "" }],
            },
        };

        Assert.Equal(ready, ModelDeploymentWait.IsReady(md));
    }

    [Fact]
    public void DefaultModelCache_Should_BeUnderTheUsersCacheFolder_When_Unconfigured()
    {
        var expected = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? Path.Combine(xdg, "llm-operator", "hub")
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "llm-operator", "hub");

        Assert.Equal(expected, UpOptions.DefaultModelCache());
    }
}
