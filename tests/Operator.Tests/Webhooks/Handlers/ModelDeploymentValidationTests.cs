using System.Text.Json.Nodes;
using k8s.Models;
using LlmOperator.Operator.Tests.Webhooks.Support;
using LlmOperator.Operator.Webhooks;
using LlmOperator.Operator.Webhooks.Admission;
using LlmOperator.Operator.Webhooks.Handlers;

namespace LlmOperator.Operator.Tests.Webhooks.Handlers;

public sealed class ModelDeploymentValidationTests
{
    private readonly FakeAdmissionLookups _lookups = new();

    private ModelDeploymentValidation Handler() => new(_lookups, TimeSpan.FromSeconds(3));

    [Theory]
    [InlineData("tiny-llama4.yaml")]
    [InlineData("llama4-scout-tp4-8192.yaml")]
    public async Task ReviewAsync_Should_Allow_When_ExampleIsValid(string file)
    {
        var request = Manifests.Create(Manifests.ModelDeployment("examples", file));

        var response = await Handler().ReviewAsync(request, CancellationToken.None);

        Assert.True(response.Allowed, response.Status?.Message);
        Assert.Equal(request.Uid, response.Uid);
        Assert.Null(response.Status);
    }

    [Fact]
    public async Task ReviewAsync_Should_ReturnNotesAsWarnings_When_MaxModelLenIsBelowTheChunk()
    {
        var request = Manifests.Create(Manifests.ModelDeployment("examples", "llama4-scout-tp4-4096.yaml"));

        var response = await Handler().ReviewAsync(request, CancellationToken.None);

        Assert.True(response.Allowed);
        var warning = Assert.Single(response.Warnings!, w => w.Contains("[max-model-len-below-chunk]"));
        Assert.StartsWith("spec.engine.maxModelLen [max-model-len-below-chunk]: maxModelLen 4,096 is below attention_chunk_size 8,192", warning);
        Assert.All(response.Warnings!, w => Assert.True(System.Text.Encoding.UTF8.GetByteCount(w) <= AdmissionMessages.MaxWarningBytes, w));
    }

    [Fact]
    public async Task ReviewAsync_Should_DenyListingEveryErrorWithFieldAndFix_When_TpDoesNotDivideHeads()
    {
        var request = Manifests.Create(Manifests.ModelDeployment("examples", "invalid", "tp-does-not-divide-heads.yaml"));

        var response = await Handler().ReviewAsync(request, CancellationToken.None);

        Assert.False(response.Allowed);
        var status = response.Status!;
        Assert.Equal((403, "Forbidden"), (status.Code, status.Reason));
        Assert.StartsWith("ModelDeployment default/scout-tp3 is invalid (4 errors):", status.Message);
        Assert.Contains("\n  * spec.engine.tensorParallelSize [tp-attention-heads]: tensorParallelSize 3 does not divide the 40 attention heads " +
                        "of meta-llama/Llama-4-Scout-17B-16E-Instruct. Fix: TP values that work for meta-llama/Llama-4-Scout-17B-16E-Instruct: 1, 2, 4, 8.",
            status.Message);
        foreach (var rule in new[] { "tp-kv-heads", "tp-intermediate-size", "tp-vocabulary" })
            Assert.Contains($"spec.engine.tensorParallelSize [{rule}]", status.Message);
        Assert.Equal(4, status.Details!.Causes.Count);
        Assert.All(status.Details.Causes, c => Assert.Equal(("FieldValueInvalid", "spec.engine.tensorParallelSize"), (c.Reason, c.Field)));
        Assert.Equal(("scout-tp3", "ModelDeployment"), (status.Details.Name, status.Details.Kind));
    }

    [Theory]
    [InlineData("vllm-083-max-model-len-4096.yaml", "spec.engine.maxModelLen [known-defect]", "Upgrade to vLLM 0.8.4 or later")]
    [InlineData("kv-cache-too-small.yaml", "spec.engine.maxModelLen [kv-cache-capacity]", "use tensorParallelSize 4, 8")]
    [InlineData("tp-exceeds-gpus-per-node.yaml", "spec.engine.tensorParallelSize [tp-exceeds-gpus-per-node]", "at most 4")]
    [InlineData("max-model-len-beyond-model.yaml", "spec.engine.maxModelLen [max-model-len-exceeds-model]", "at most 131,072")]
    [InlineData("batched-tokens-below-max-num-seqs.yaml", "spec.engine.maxNumBatchedTokens [batched-tokens-below-max-num-seqs]", "at least 256")]
    public async Task ReviewAsync_Should_DenyWithTheRulesMessage_When_ExampleIsInvalid(string file, string field, string fix)
    {
        var request = Manifests.Create(Manifests.ModelDeployment("examples", "invalid", file));

        var response = await Handler().ReviewAsync(request, CancellationToken.None);

        Assert.False(response.Allowed);
        Assert.Contains(field, response.Status!.Message);
        Assert.Contains(fix, response.Status.Message);
    }

    [Fact]
    public async Task ReviewAsync_Should_ReadTheConfigMapThroughTheApi_When_ModelConfigIsReferenced()
    {
        _lookups.ConfigMaps.Add(Manifests.ConfigMap("examples", "invalid", "block-size-does-not-divide-chunk.yaml"));
        var request = Manifests.Create(Manifests.ModelDeployment("examples", "invalid", "block-size-does-not-divide-chunk.yaml"));

        var response = await Handler().ReviewAsync(request, CancellationToken.None);

        Assert.False(response.Allowed);
        Assert.Contains("spec.engine.blockSize [attention-chunk-block-multiple]: attention_chunk_size 1,000 of example/odd-chunk-llama4", response.Status!.Message);
        Assert.Contains("Fix: Use a blockSize that divides 1,000: 1, 2, 4, 8.", response.Status.Message);
        Assert.Equal(1, _lookups.Reads);
    }

    [Fact]
    public async Task ReviewAsync_Should_Deny_When_TheReferencedConfigMapDoesNotExist()
    {
        var request = Manifests.Create(Manifests.ModelDeployment("examples", "invalid", "block-size-does-not-divide-chunk.yaml"));

        var response = await Handler().ReviewAsync(request, CancellationToken.None);

        Assert.False(response.Allowed);
        Assert.Contains("spec.model.config.configMapKeyRef [model-config-invalid]: ConfigMap odd-chunk-config key config.json was not found.", response.Status!.Message);
    }

    [Fact]
    public async Task ReviewAsync_Should_WarnAboutTheLabel_When_TheConfigMapIsNotLabelled()
    {
        var valid = ConfigMapWithChunk(1024);
        _lookups.ConfigMaps.Add(valid);
        var request = Manifests.Create(Manifests.ModelDeployment("examples", "invalid", "block-size-does-not-divide-chunk.yaml"));

        var unlabelled = await Handler().ReviewAsync(request, CancellationToken.None);
        valid.Metadata.Labels = new Dictionary<string, string> { [WebhookNames.ModelConfigLabel] = "true" };
        var labelled = await Handler().ReviewAsync(request, CancellationToken.None);

        Assert.True(unlabelled.Allowed, unlabelled.Status?.Message);
        Assert.Contains(unlabelled.Warnings!, w => w.Contains($"has no label {WebhookNames.ModelConfigLabel}"));
        Assert.True(labelled.Allowed);
        Assert.DoesNotContain(labelled.Warnings ?? [], w => w.Contains(WebhookNames.ModelConfigLabel));
    }

    [Fact]
    public async Task ReviewAsync_Should_DenyAsUnavailable_When_TheConfigMapCannotBeRead()
    {
        _lookups.Failure = new HttpRequestException("connection refused");
        var request = Manifests.Create(Manifests.ModelDeployment("examples", "invalid", "block-size-does-not-divide-chunk.yaml"));

        var response = await Handler().ReviewAsync(request, CancellationToken.None);

        Assert.False(response.Allowed);
        Assert.Equal(503, response.Status!.Code);
        Assert.Contains("reading ConfigMap default/odd-chunk-config failed (HttpRequestException: connection refused); try again.", response.Status.Message);
    }

    [Fact]
    public async Task ReviewAsync_Should_AllowWithoutChecking_When_AnUpdateLeavesTheSpecAlone()
    {
        // Admitted under older rules (or before the rules got stricter): annotating, finalizing and deleting must work.
        var old = Manifests.ModelDeployment("examples", "invalid", "tp-does-not-divide-heads.yaml");
        var annotated = (JsonObject)old.DeepClone();
        annotated["metadata"]!["annotations"] = new JsonObject { ["inference.llmoperator.dev/rollback-to"] = "abc" };

        var response = await Handler().ReviewAsync(Manifests.Update(old, annotated), CancellationToken.None);

        Assert.True(response.Allowed);
    }

    [Fact]
    public async Task ReviewAsync_Should_Deny_When_AnUpdateMakesTheSpecInvalid()
    {
        var old = Manifests.ModelDeployment("examples", "llama4-scout-tp4-8192.yaml");
        var changed = (JsonObject)old.DeepClone();
        changed["spec"]!["engine"]!["tensorParallelSize"] = 3;

        var response = await Handler().ReviewAsync(Manifests.Update(old, changed), CancellationToken.None);

        Assert.False(response.Allowed);
        Assert.Contains("[tp-attention-heads]", response.Status!.Message);
    }

    [Fact]
    public async Task ReviewAsync_Should_Allow_When_TheResourceIsBeingDeleted()
    {
        var old = Manifests.ModelDeployment("examples", "invalid", "tp-does-not-divide-heads.yaml");
        var terminating = (JsonObject)old.DeepClone();
        terminating["metadata"]!["deletionTimestamp"] = "2026-01-01T00:00:00Z";
        terminating["spec"]!["replicas"] = 0;

        var response = await Handler().ReviewAsync(Manifests.Update(old, terminating), CancellationToken.None);

        Assert.True(response.Allowed);
    }

    [Fact]
    public async Task ReviewAsync_Should_DenyNamingThePath_When_AFieldHasTheWrongType()
    {
        var obj = Manifests.ModelDeployment("examples", "tiny-llama4.yaml");
        obj["spec"]!["engine"]!["tensorParallelSize"] = "two";

        var response = await Handler().ReviewAsync(Manifests.Create(obj), CancellationToken.None);

        Assert.False(response.Allowed);
        Assert.Equal(400, response.Status!.Code);
        Assert.Contains("ModelDeployment default/tiny-llama4 cannot be read: $.spec.engine.tensorParallelSize", response.Status.Message);
    }

    private static V1ConfigMap ConfigMapWithChunk(int chunk)
    {
        var configMap = Manifests.ConfigMap("examples", "invalid", "block-size-does-not-divide-chunk.yaml");
        configMap.Data["config.json"] = configMap.Data["config.json"].Replace("\"attention_chunk_size\": 1000", $"\"attention_chunk_size\": {chunk}");
        return configMap;
    }
}
