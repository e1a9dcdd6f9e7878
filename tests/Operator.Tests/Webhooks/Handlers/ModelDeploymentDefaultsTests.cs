using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmOperator.Operator.Tests.Webhooks.Support;
using LlmOperator.Operator.Validation;
using LlmOperator.Operator.Webhooks.Handlers;
using Microsoft.AspNetCore.JsonPatch.SystemTextJson;

namespace LlmOperator.Operator.Tests.Webhooks.Handlers;

public sealed class ModelDeploymentDefaultsTests
{
    private const string Minimal = """
        apiVersion: inference.llmoperator.dev/v1alpha1
        kind: ModelDeployment
        metadata: {name: minimal, namespace: default}
        spec:
          model: {name: llmoperator/tiny-llama4}
        """;

    /// <summary>Applies the patch with an RFC 6902 library, as the API server does.</summary>
    private static JsonObject Apply(JsonObject resource, JsonArray patch)
    {
        var result = (JsonObject)resource.DeepClone();
        JsonSerializer.Deserialize<JsonPatchDocument>(patch.ToJsonString())!.ApplyTo(result);
        return result;
    }

    [Fact]
    public void Patch_Should_AddEverySectionTheOperatorRunsWith_When_TheSpecNamesOnlyTheModel()
    {
        var resource = Manifests.ModelDeploymentYaml(Minimal);

        var defaulted = Apply(resource, ModelDeploymentDefaults.Patch(resource));

        var engine = defaulted["spec"]!["engine"]!;
        Assert.Equal("""{"runtime":"engine","tensorParallelSize":1,"blockSize":16,"dtype":"auto","gpuMemoryUtilization":0.9,"maxNumSeqs":256,"maxNumBatchedTokens":8192}""",
            engine.ToJsonString());
        Assert.Equal(1, (int)defaulted["spec"]!["replicas"]!);
        Assert.Equal("nvidia.com/gpu", (string?)defaulted["spec"]!["resources"]!["gpu"]!["resourceName"]);
        Assert.Equal("""["GpuAssertion"]""", defaulted["spec"]!["rollout"]!["rollbackOn"]!.ToJsonString());
        Assert.Equal(0, (int)defaulted["spec"]!["rollout"]!["maxSurge"]!);
        Assert.Equal("""{"port":8000,"type":"ClusterIP"}""", defaulted["spec"]!["service"]!.ToJsonString());
        // Optional sections mean "not used" when absent, and maxModelLen derives from the model: neither is written.
        Assert.Equal("""{"name":"llmoperator/tiny-llama4"}""", defaulted["spec"]!["model"]!.ToJsonString());
        Assert.Null(engine["maxModelLen"]);
    }

    [Fact]
    public void Patch_Should_ProduceAResourceThatValidates_When_Applied()
    {
        var resource = Manifests.ModelDeploymentYaml(Minimal);

        var defaulted = Apply(resource, ModelDeploymentDefaults.Patch(resource));

        var report = ModelDeploymentValidator.Validate(Manifests.Typed(defaulted), (_, _, _) => null);
        Assert.True(report.IsValid, string.Join("\n", report.Errors));
    }

    [Fact]
    public void Patch_Should_BeEmpty_When_TheDefaultsAreAlreadyThere()
    {
        var resource = Manifests.ModelDeploymentYaml(Minimal);
        var defaulted = Apply(resource, ModelDeploymentDefaults.Patch(resource));

        Assert.Empty(ModelDeploymentDefaults.Patch(defaulted));
    }

    [Fact]
    public void Patch_Should_KeepWhatTheUserWrote_When_FieldsAreSet()
    {
        var resource = Manifests.ModelDeployment("examples", "tiny-llama4.yaml");

        var defaulted = Apply(resource, ModelDeploymentDefaults.Patch(resource));

        var engine = defaulted["spec"]!["engine"]!;
        Assert.Equal((2, 4096L, 2048, "float32"), ((int)engine["tensorParallelSize"]!, (long)engine["maxModelLen"]!,
            (int)engine["maxNumBatchedTokens"]!, (string?)engine["dtype"]));
        Assert.Equal("16Gi", (string?)defaulted["spec"]!["resources"]!["gpu"]!["memory"]);
        Assert.Equal("nvidia.com/gpu", (string?)defaulted["spec"]!["resources"]!["gpu"]!["resourceName"]);
    }

    [Theory]
    [InlineData(8192, 8192)]
    [InlineData(512, 8192)]
    [InlineData(10000, null)]
    public void Patch_Should_DefaultMaxNumBatchedTokensOnlyWhenItCoversMaxNumSeqs_When_ItIsUnset(int maxNumSeqs, int? expected)
    {
        var resource = Manifests.ModelDeploymentYaml(Minimal.Replace("model: {name: llmoperator/tiny-llama4}",
            $"model: {{name: llmoperator/tiny-llama4}}\n  engine: {{maxNumSeqs: {maxNumSeqs}}}"));

        var defaulted = Apply(resource, ModelDeploymentDefaults.Patch(resource));

        Assert.Equal(expected, (int?)defaulted["spec"]!["engine"]!["maxNumBatchedTokens"]);
        Assert.Equal(16, (int)defaulted["spec"]!["engine"]!["blockSize"]!);
    }

    /// <summary>The schema defaults the webhook writes are the values the operator assumed anyway: no verdict changes.</summary>
    [Theory]
    [InlineData("tiny-llama4.yaml")]
    [InlineData("llama4-scout-tp4-4096.yaml")]
    [InlineData("invalid/tp-does-not-divide-heads.yaml")]
    [InlineData("invalid/kv-cache-too-small.yaml")]
    [InlineData("invalid/vllm-083-max-model-len-4096.yaml")]
    [InlineData("invalid/max-model-len-beyond-model.yaml")]
    [InlineData("invalid/batched-tokens-below-max-num-seqs.yaml")]
    public void Patch_Should_NotChangeTheFindings_When_AppliedToAnExample(string file)
    {
        var resource = Manifests.ModelDeployment(["examples", .. file.Split('/')]);

        var defaulted = Apply(resource, ModelDeploymentDefaults.Patch(resource));

        var before = ModelDeploymentValidator.Validate(Manifests.Typed(resource), (_, _, _) => null).Findings;
        var after = ModelDeploymentValidator.Validate(Manifests.Typed(defaulted), (_, _, _) => null).Findings;
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task ReviewAsync_Should_ReturnABase64JsonPatch_When_DefaultsAreMissing()
    {
        var request = Manifests.Create(Manifests.ModelDeploymentYaml(Minimal));

        var response = await new ModelDeploymentDefaulting().ReviewAsync(request, CancellationToken.None);

        Assert.True(response.Allowed);
        Assert.Equal("JSONPatch", response.PatchType);
        var patch = JsonNode.Parse(Encoding.UTF8.GetString(response.Patch!))!.AsArray();
        Assert.Contains(patch, op => (string?)op!["path"] == "/spec/engine" && (string?)op["op"] == "add");
        var wire = JsonSerializer.Serialize(response);
        Assert.Contains($"\"patch\":\"{Convert.ToBase64String(response.Patch!)}\"", wire);
    }

    [Fact]
    public async Task ReviewAsync_Should_ReturnNoPatch_When_NothingIsMissingOrTheResourceIsBeingDeleted()
    {
        var resource = Manifests.ModelDeploymentYaml(Minimal);
        var complete = Apply(resource, ModelDeploymentDefaults.Patch(resource));
        var terminating = (JsonObject)resource.DeepClone();
        terminating["metadata"]!["deletionTimestamp"] = "2026-01-01T00:00:00Z";
        var handler = new ModelDeploymentDefaulting();

        var unchanged = await handler.ReviewAsync(Manifests.Create(complete), CancellationToken.None);
        var deleting = await handler.ReviewAsync(Manifests.Update(resource, terminating), CancellationToken.None);

        Assert.True(unchanged.Allowed && deleting.Allowed);
        Assert.Null(unchanged.Patch);
        Assert.Null(unchanged.PatchType);
        Assert.Null(deleting.Patch);
        Assert.DoesNotContain("patch", JsonSerializer.Serialize(unchanged));
    }
}
