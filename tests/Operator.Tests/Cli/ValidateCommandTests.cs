using System.Text.Json;
using LlmOperator.Operator.Cli;

namespace LlmOperator.Operator.Tests.Cli;

public sealed class ValidateCommandTests
{
    private static (int Exit, string Out, string Err) Run(string output, params string[] paths)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = ValidateCommand.Run(paths, output, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("llama4-scout-tp4-4096.yaml")]
    [InlineData("llama4-scout-tp4-8192.yaml")]
    [InlineData("tiny-llama4.yaml")]
    public void Validate_Should_ExitZero_When_ExampleIsValid(string file)
    {
        var (exit, stdout, _) = Run("text", RepositoryPaths.Of("examples", file));
        Assert.True(exit == 0, stdout);
        Assert.Contains(": valid", stdout);
    }

    /// <summary>Each invalid example is invalid for exactly one reason: this rule, at this field.</summary>
    [Theory]
    [InlineData("tp-does-not-divide-heads.yaml", "tp-attention-heads", "spec.engine.tensorParallelSize")]
    [InlineData("vllm-083-max-model-len-4096.yaml", "known-defect", "spec.engine.maxModelLen")]
    [InlineData("kv-cache-too-small.yaml", "kv-cache-capacity", "spec.engine.maxModelLen")]
    [InlineData("tp-exceeds-gpus-per-node.yaml", "tp-exceeds-gpus-per-node", "spec.engine.tensorParallelSize")]
    [InlineData("block-size-does-not-divide-chunk.yaml", "attention-chunk-block-multiple", "spec.engine.blockSize")]
    [InlineData("max-model-len-beyond-model.yaml", "max-model-len-exceeds-model", "spec.engine.maxModelLen")]
    [InlineData("batched-tokens-below-max-num-seqs.yaml", "batched-tokens-below-max-num-seqs", "spec.engine.maxNumBatchedTokens")]
    [InlineData("unknown-field.yaml", "schema", "spec.engine.maxModeLen")]
    public void Validate_Should_ExitOneWithRuleAndField_When_ExampleIsInvalid(string file, string ruleId, string field)
    {
        var (exit, stdout, _) = Run("json", RepositoryPaths.Of("examples", "invalid", file));
        Assert.Equal(1, exit);
        var resource = JsonDocument.Parse(stdout).RootElement.GetProperty("resources")[0];
        var errors = resource.GetProperty("findings").EnumerateArray().Where(f => f.GetProperty("severity").GetString() == "Error").ToList();
        Assert.Contains(errors, e => e.GetProperty("ruleId").GetString() == ruleId && e.GetProperty("field").GetString() == field);
        Assert.All(errors, e => Assert.Equal(field, e.GetProperty("field").GetString()));
    }

    [Fact]
    public void Validate_Should_ReportEveryResource_When_GivenAFolder()
    {
        var (exit, stdout, _) = Run("text", RepositoryPaths.Of("examples"));
        Assert.Equal(1, exit);
        Assert.Matches(@"\d+ resources checked, 8 invalid\.", stdout);
    }

    [Fact]
    public void Validate_Should_ExitTwoNamingFileAndLine_When_YamlIsBroken()
    {
        string file = TempFile("apiVersion: inference.llmoperator.dev/v1alpha1\nkind: ModelDeployment\nspec:\n  model: {name: x\n  engine: [\n");
        var (exit, _, stderr) = Run("text", file);
        Assert.Equal(2, exit);
        Assert.Matches($@"{Regex(file)}:\d+:\d+: invalid YAML", stderr);
    }

    [Fact]
    public void Validate_Should_ExitTwo_When_KindIsWrong()
    {
        string file = TempFile("apiVersion: inference.llmoperator.dev/v1alpha1\nkind: ModelDeployment\nmetadata: {name: a}\nspec: {model: {name: llmoperator/tiny-llama}}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: b}\n");
        var (exit, _, stderr) = Run("text", file);
        Assert.Equal(2, exit);
        Assert.Contains($"{file}:6: kind 'Deployment' (apps/v1) is not a ModelDeployment", stderr);
    }

    [Fact]
    public void Validate_Should_CheckOnlyTheModelDeployments_When_AFolderHoldsFluxObjectsAndSecrets()
    {
        string folder = Directory.CreateTempSubdirectory("validate-flux-").FullName;
        foreach (var file in Directory.GetFiles(RepositoryPaths.Of("examples", "flux"), "*.yaml"))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        File.Copy(RepositoryPaths.Of("examples", "tiny-llama4.yaml"), Path.Combine(folder, "tiny-llama4.yaml"));
        File.WriteAllText(Path.Combine(folder, "api-key.yaml"), "apiVersion: v1\nkind: Secret\nmetadata: {name: tiny-api-key}\nstringData: {api-key: sk-1}\n");

        var (exit, stdout, stderr) = Run("text", folder);

        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("1 resource checked, 0 invalid.", stdout);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void Validate_Should_ExitTwo_When_FileIsMissing()
    {
        var (exit, _, stderr) = Run("text", "/nonexistent/md.yaml");
        Assert.Equal(2, exit);
        Assert.Contains("/nonexistent/md.yaml: no such file", stderr);
    }

    [Fact]
    public void Validate_Should_ReportTypeErrorsWithLines_When_FieldHasWrongType()
    {
        string file = TempFile("apiVersion: inference.llmoperator.dev/v1alpha1\nkind: ModelDeployment\nmetadata: {name: a}\nspec:\n  model: {name: llmoperator/tiny-llama}\n  engine:\n    tensorParallelSize: two\n    gpuMemoryUtilization: 0\n    runtime: tgi\n");
        var (exit, stdout, _) = Run("text", file);
        Assert.Equal(1, exit);
        Assert.Contains("spec.engine.tensorParallelSize: line 7: must be an integer, found \"two\"", stdout);
        Assert.Contains("spec.engine.gpuMemoryUtilization: line 8: 0 is below the minimum (exclusive) 0", stdout);
        Assert.Contains("spec.engine.runtime: line 9: \"tgi\" is not one of: engine, vllm", stdout);
    }

    [Fact]
    public void Validate_Should_RefuseUnknownModel_When_NoConfigGiven()
    {
        string file = TempFile("apiVersion: inference.llmoperator.dev/v1alpha1\nkind: ModelDeployment\nmetadata: {name: a}\nspec: {model: {name: acme/secret-model}}\n");
        var (exit, stdout, _) = Run("text", file);
        Assert.Equal(1, exit);
        Assert.Contains("[model-unknown] spec.model.name", stdout);
    }

    /// <summary>The CRD's CEL rules, evaluated with the Cel library on the defaulted object, as the API server does.</summary>
    [Fact]
    public void Validate_Should_EnforceCelRules_When_CrossFieldRuleBroken()
    {
        string file = TempFile("apiVersion: inference.llmoperator.dev/v1alpha1\nkind: ModelDeployment\nmetadata: {name: a}\nspec:\n  model: {name: llmoperator/tiny-llama, config: {inline: \"{}\", configMapKeyRef: {name: x}}}\n  engine: {runtime: vllm, blockSize: 8, maxNumBatchedTokens: 100}\n");
        var (exit, stdout, _) = Run("text", file);
        Assert.Equal(1, exit);
        Assert.Contains("spec.model.config: line 5: set exactly one of configMapKeyRef or inline", stdout);
        Assert.Contains("spec.engine.maxNumBatchedTokens: line 6: maxNumBatchedTokens must be at least maxNumSeqs", stdout);  // maxNumSeqs defaulted to 256
        Assert.Contains("spec.engine.blockSize: line 6: vLLM's FlashAttention backends need a blockSize that is a multiple of 16", stdout);
    }

    [Theory]
    [InlineData("validate", "-f", "examples/tiny-llama4.yaml", "-o", "yaml")]
    [InlineData("validate")]
    [InlineData("no-such-command")]
    public void Main_Should_ExitTwo_When_UsageIsWrong(params string[] args)
    {
        var main = typeof(ValidateCommand).Assembly.EntryPoint!;
        var previous = Console.Error;
        Console.SetError(TextWriter.Null);
        try
        {
            Assert.Equal(2, main.Invoke(null, [args]));
        }
        finally
        {
            Console.SetError(previous);
        }
    }

    private static string TempFile(string content)
    {
        string path = Path.Combine(Path.GetTempPath(), $"md-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, content);
        return path;
    }

    private static string Regex(string text) => System.Text.RegularExpressions.Regex.Escape(text);
}
