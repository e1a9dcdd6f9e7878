using System.Text.Json.Nodes;
using k8s.Models;
using LlmOperator.Operator.Tests.Webhooks.Support;
using LlmOperator.Operator.Webhooks;
using LlmOperator.Operator.Webhooks.Admission;
using LlmOperator.Operator.Webhooks.Handlers;

namespace LlmOperator.Operator.Tests.Webhooks.Handlers;

public sealed class ModelConfigMapValidationTests
{
    private const string Example = "block-size-does-not-divide-chunk.yaml";
    private readonly FakeAdmissionLookups _lookups = new();

    public ModelConfigMapValidationTests()
    {
        // odd-chunk (blockSize 16) refers to odd-chunk-config; with a 1024-token chunk it is valid.
        _lookups.ModelDeployments.Add(Manifests.Typed(Manifests.ModelDeployment("examples", "invalid", Example)));
    }

    private ModelConfigMapValidation Handler() => new(_lookups, TimeSpan.FromSeconds(3));

    private static V1ConfigMap ConfigMap(string? json = null, int chunk = 1024)
    {
        var configMap = Manifests.ConfigMap("examples", "invalid", Example);
        configMap.Metadata.Labels = new Dictionary<string, string> { [WebhookNames.ModelConfigLabel] = "true" };
        configMap.Data["config.json"] = json ?? configMap.Data["config.json"].Replace("\"attention_chunk_size\": 1000", $"\"attention_chunk_size\": {chunk}");
        return configMap;
    }

    private static AdmissionRequest Update(V1ConfigMap before, V1ConfigMap after) =>
        Manifests.Update(Manifests.ToJson(before), Manifests.ToJson(after), "configmaps");

    [Fact]
    public async Task ReviewAsync_Should_Allow_When_TheReferencingResourceStaysValid()
    {
        var response = await Handler().ReviewAsync(Update(ConfigMap(chunk: 1024), ConfigMap(chunk: 2048)), CancellationToken.None);

        Assert.True(response.Allowed, response.Status?.Message);
        Assert.Null(response.Warnings);
    }

    [Fact]
    public async Task ReviewAsync_Should_AllowWithAWarningNamingTheResource_When_TheChangeMakesItInvalid()
    {
        var response = await Handler().ReviewAsync(Update(ConfigMap(chunk: 1024), ConfigMap(chunk: 1000)), CancellationToken.None);

        Assert.True(response.Allowed);
        var warning = Assert.Single(response.Warnings!);
        Assert.StartsWith("ModelDeployment odd-chunk becomes invalid: spec.engine.blockSize [attention-chunk-block-multiple]: attention_chunk_size 1,000", warning);
    }

    [Fact]
    public async Task ReviewAsync_Should_DenyNamingTheKeyAndItsUsers_When_ConfigJsonNoLongerParses()
    {
        var response = await Handler().ReviewAsync(Update(ConfigMap(), ConfigMap(json: "{\"model_type\": \"llama4_text\",")), CancellationToken.None);

        Assert.False(response.Allowed);
        Assert.Equal(403, response.Status!.Code);
        Assert.StartsWith("ConfigMap default/odd-chunk-config is invalid (1 error):\n  * data[config.json] [model-config-invalid]: " +
                          "ConfigMap default/odd-chunk-config key config.json: config.json is not valid JSON", response.Status.Message);
        Assert.EndsWith("\nUsed by ModelDeployment odd-chunk.", response.Status.Message);
        Assert.Equal("data[config.json]", Assert.Single(response.Status.Details!.Causes).Field);
    }

    [Fact]
    public async Task ReviewAsync_Should_Deny_When_TheModelTypeIsNotSupported()
    {
        var response = await Handler().ReviewAsync(Update(ConfigMap(), ConfigMap(json: """{"model_type": "mistral"}""")), CancellationToken.None);

        Assert.False(response.Allowed);
        Assert.Contains("model_type 'mistral' is not supported; supported: llama4, llama4_text, llama.", response.Status!.Message);
    }

    [Fact]
    public async Task ReviewAsync_Should_CheckConfigJson_When_NoResourceUsesTheConfigMapYet()
    {
        _lookups.ModelDeployments.Clear();
        var configMap = ConfigMap(json: "not json");
        configMap.Data["notes.txt"] = "free text in another key is none of our business";

        var response = await Handler().ReviewAsync(Manifests.Create(Manifests.ToJson(configMap), "configmaps"), CancellationToken.None);

        Assert.False(response.Allowed);
        Assert.DoesNotContain("notes.txt", response.Status!.Message);
        Assert.DoesNotContain("Used by", response.Status.Message);
    }

    [Fact]
    public async Task ReviewAsync_Should_AllowWithoutReading_When_OnlyMetadataChanges()
    {
        var before = ConfigMap(json: "not json");
        var after = ConfigMap(json: "not json");
        after.Metadata.Annotations = new Dictionary<string, string> { ["owner"] = "team-a" };

        var response = await Handler().ReviewAsync(Update(before, after), CancellationToken.None);

        Assert.True(response.Allowed);
        Assert.Equal(0, _lookups.Reads);
    }

    [Fact]
    public async Task ReviewAsync_Should_WarnAboutTheUsers_When_AReferencedConfigMapIsDeleted()
    {
        var request = Manifests.Create(Manifests.ToJson(ConfigMap()), "configmaps") with { Operation = "DELETE" };
        request = request with { OldObject = request.Object, Object = null };

        var response = await Handler().ReviewAsync(request, CancellationToken.None);

        Assert.True(response.Allowed);
        Assert.Contains("ModelDeployment odd-chunk still takes its config.json from ConfigMap odd-chunk-config (key config.json)", Assert.Single(response.Warnings!));
    }

    [Fact]
    public async Task ReviewAsync_Should_DenyAsUnavailable_When_TheResourcesCannotBeListed()
    {
        _lookups.Failure = new TimeoutException("the API server did not answer");

        var response = await Handler().ReviewAsync(Update(ConfigMap(chunk: 1024), ConfigMap(chunk: 2048)), CancellationToken.None);

        Assert.False(response.Allowed);
        Assert.Equal(503, response.Status!.Code);
        Assert.Contains("listing ModelDeployments failed (TimeoutException: the API server did not answer); try again.", response.Status.Message);
    }

    [Fact]
    public async Task ReviewAsync_Should_IgnoreResourcesOfOtherConfigMaps_When_Checking()
    {
        var other = Manifests.ModelDeployment("examples", "invalid", Example);
        other["metadata"]!["name"] = "other";
        other["spec"]!["model"]!["config"] = new JsonObject { ["configMapKeyRef"] = new JsonObject { ["name"] = "another-config", ["key"] = "config.json" } };
        _lookups.ModelDeployments.Add(Manifests.Typed(other));

        var response = await Handler().ReviewAsync(Update(ConfigMap(chunk: 1024), ConfigMap(chunk: 1000)), CancellationToken.None);

        Assert.DoesNotContain(response.Warnings!, w => w.Contains("other"));
    }
}
