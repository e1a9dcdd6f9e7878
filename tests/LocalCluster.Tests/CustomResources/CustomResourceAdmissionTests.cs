using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.CustomResources;
using LlmOperator.LocalCluster.Storage;
using LlmOperator.LocalCluster.Tests.Support;

namespace LlmOperator.LocalCluster.Tests.CustomResources;

public sealed class CustomResourceAdmissionTests : IAsyncLifetime
{
    private CrdCluster _cluster = null!;
    private ResourceType _type = null!;

    public async Task InitializeAsync()
    {
        _cluster = await CrdCluster.StartAsync();
        await _cluster.ApplyCrdAsync(CrdControllerTests.ModelDeploymentCrd());
        _type = _cluster.Registry.Find("inference.llmoperator.dev", "v1alpha1", "modeldeployments")!;
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Create_Should_ApplySchemaDefaults_When_FieldsAreAbsent()
    {
        var md = await _cluster.Admission.CreateAsync(_type, Md("""{"model": {"name": "llmoperator/tiny-llama4"}, "engine": {}, "rollout": {}}"""));

        var spec = md["spec"]!;
        Assert.Equal(1L, (long)spec["replicas"]!);
        Assert.Equal(1L, (long)spec["engine"]!["tensorParallelSize"]!);
        Assert.Equal(16L, (long)spec["engine"]!["blockSize"]!);
        Assert.Equal("engine", (string?)spec["engine"]!["runtime"]);
        Assert.Equal(0.9, (double)spec["engine"]!["gpuMemoryUtilization"]!);
        Assert.Equal(0L, (long)spec["rollout"]!["maxSurge"]!);
        Assert.Equal(1L, (long)spec["rollout"]!["maxUnavailable"]!);
        Assert.Equal(1800L, (long)spec["rollout"]!["progressDeadlineSeconds"]!);
        Assert.Equal(["GpuAssertion"], spec["rollout"]!["rollbackOn"]!.AsArray().Select(v => (string?)v));
        Assert.Null(spec["service"]);
    }

    [Fact]
    public async Task Create_Should_PruneUnknownFieldsWithAWarning_When_TheSchemaDoesNotDeclareThem()
    {
        var input = Md("""{"model": {"name": "m", "revision": "main"}, "bogusField": 1}""");
        input["metadata"]!["labels"] = new JsonObject { ["app"] = "x" };

        var unknown = CustomResourceDefaulting.UnknownFields(_type, input);
        var md = await _cluster.Admission.CreateAsync(_type, input);

        Assert.Equal(["spec.model.revision", "spec.bogusField"], unknown);
        Assert.Null(md["spec"]!["bogusField"]);
        Assert.Null(md["spec"]!["model"]!["revision"]);
        Assert.Equal("x", (string?)md["metadata"]!["labels"]!["app"]);
        Assert.Contains("unknown field \"spec.bogusField\"", _cluster.Admission.Warnings);
    }

    [Theory]
    [InlineData("""{"model": {"name": "m"}, "engine": {"tensorParallelSize": 0}}""", "spec.engine.tensorParallelSize",
        "Invalid value: 0: spec.engine.tensorParallelSize in body should be greater than or equal to 1")]
    [InlineData("""{"model": {"name": "m"}, "engine": {"dtype": "fp8"}}""", "spec.engine.dtype",
        "Unsupported value: \"fp8\": supported values: \"auto\", \"bfloat16\", \"float16\", \"half\", \"float32\", \"float\"")]
    [InlineData("""{"engine": {}}""", "spec.model", "Required value")]
    [InlineData("""{"model": {"name": "m"}, "replicas": "two"}""", "spec.replicas",
        "Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"")]
    [InlineData("""{"model": {"name": "m"}, "rollout": {"maxSurge": true}}""", "spec.rollout.maxSurge",
        "Invalid value: \"boolean\": spec.rollout.maxSurge in body must be of type integer,string: \"boolean\"")]
    [InlineData("""{"model": {"name": "m", "weights": {"uri": "ftp://x"}}}""", "spec.model.weights.uri",
        "Invalid value: \"ftp://x\": spec.model.weights.uri in body should match '^(hf|s3|gs|https?)://.+'")]
    [InlineData("""{"model": {"name": ""}}""", "spec.model.name",
        "Invalid value: \"\": spec.model.name in body should be at least 1 chars long")]
    [InlineData("""{"model": {"name": "m"}, "engine": {"gpuMemoryUtilization": 0}}""", "spec.engine.gpuMemoryUtilization",
        "Invalid value: 0: spec.engine.gpuMemoryUtilization in body should be greater than 0")]
    public async Task Create_Should_RejectWithKubeMessage_When_AValueBreaksTheSchema(string spec, string field, string message)
    {
        var error = await Assert.ThrowsAsync<ApiError>(() => _cluster.Admission.CreateAsync(_type, Md(spec)));

        Assert.Equal(422, error.Code);
        Assert.Equal("Invalid", error.Reason);
        var cause = Assert.Single(error.Details!["causes"]!.AsArray())!;
        Assert.Equal(field, (string?)cause["field"]);
        Assert.Equal(message, (string?)cause["message"]);
        Assert.Equal($"ModelDeployment.inference.llmoperator.dev \"md\" is invalid: {field}: {message}", error.Message);
        Assert.Null(_cluster.Store.Get(_type, "default", "md"));
    }

    [Theory]
    [InlineData("""{"model": {"name": "m"}, "engine": {"runtime": "vllm", "blockSize": 8}}""", "spec.engine.blockSize",
        "vLLM's FlashAttention backends need a blockSize that is a multiple of 16")]
    [InlineData("""{"model": {"name": "m"}, "engine": {"maxNumSeqs": 64, "maxNumBatchedTokens": 32}}""", "spec.engine.maxNumBatchedTokens",
        "maxNumBatchedTokens must be at least maxNumSeqs, so every running sequence gets its decode token")]
    [InlineData("""{"model": {"name": "m", "config": {"inline": "{}", "configMapKeyRef": {"name": "c"}}}}""", "spec.model.config",
        "set exactly one of configMapKeyRef or inline")]
    public async Task Create_Should_EnforceTheCelRules_When_TheSpecBreaksOne(string spec, string field, string message)
    {
        var error = await Assert.ThrowsAsync<ApiError>(() => _cluster.Admission.CreateAsync(_type, Md(spec)));

        var cause = Assert.Single(error.Details!["causes"]!.AsArray())!;
        Assert.Equal(field, (string?)cause["field"]);
        Assert.Equal($"Invalid value: \"object\": {message}", (string?)cause["message"]);
    }

    [Fact]
    public async Task Create_Should_Accept_When_TheExampleIsValid()
    {
        var md = await _cluster.Admission.CreateAsync(_type, RepositoryFiles.LoadYaml("examples", "llama4-scout-tp4-8192.yaml"));

        Assert.Equal(1, (long)md["metadata"]!["generation"]!);
        Assert.Empty(_cluster.Admission.Warnings);
    }

    [Fact]
    public async Task Update_Should_EvaluateTransitionRules_When_AnOldObjectExists()
    {
        var crd = CrdControllerTests.ModelDeploymentCrd();
        var replicas = crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!["properties"]!["replicas"]!.AsObject();
        replicas["x-kubernetes-validations"] = JsonNode.Parse("""[{"rule": "self >= oldSelf", "message": "replicas may not decrease", "reason": "FieldValueForbidden"}]""");
        crd["metadata"]!["name"] = "widgets.inference.llmoperator.dev";
        crd["spec"]!["names"] = JsonNode.Parse("""{"plural": "widgets", "kind": "Widget"}""");
        await _cluster.ApplyCrdAsync(crd);
        var widgets = _cluster.Registry.Find("inference.llmoperator.dev", "v1alpha1", "widgets")!;
        var created = await _cluster.Admission.CreateAsync(widgets, Md("""{"model": {"name": "m"}, "replicas": 3}"""));

        created["spec"]!["replicas"] = 2;
        var error = await Assert.ThrowsAsync<ApiError>(() => _cluster.Admission.UpdateAsync(widgets, created));
        created["spec"]!["replicas"] = 4;
        var grown = await _cluster.Admission.UpdateAsync(widgets, created);

        Assert.Equal("spec.replicas: Forbidden: replicas may not decrease", error.Message[(error.Message.IndexOf(": ") + 2)..]);
        Assert.Equal("4", grown["spec"]!["replicas"]!.ToJsonString());
    }

    private static JsonObject Md(string spec) => JsonNode.Parse($$"""
        {"apiVersion": "inference.llmoperator.dev/v1alpha1", "kind": "ModelDeployment",
         "metadata": {"name": "md", "namespace": "default"}, "spec": {{spec}}}
        """)!.AsObject();
}
