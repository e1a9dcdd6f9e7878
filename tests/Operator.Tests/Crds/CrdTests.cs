using k8s;
using k8s.Models;
using LlmOperator.Operator.Crds;

namespace LlmOperator.Operator.Tests.Crds;

public sealed class CrdTests
{
    private static readonly V1CustomResourceDefinition Crd = CrdGenerator.Generate();
    private static V1JSONSchemaProps Schema => Crd.Spec.Versions[0].Schema.OpenAPIV3Schema;

    [Fact]
    public void CommittedCrd_Should_EqualGenerated_When_TypesChange()
    {
        string committed = File.ReadAllText(RepositoryPaths.Of("crds", CrdGenerator.FileName));
        Assert.True(committed == CrdGenerator.GenerateYaml(),
            "crds/ is stale: run `dotnet run --project operator -- crds --output-dir crds` and commit the result.");
    }

    [Fact]
    public void CommittedCrd_Should_LoadAsCustomResourceDefinition_When_ParsedByClient()
    {
        var loaded = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(File.ReadAllText(RepositoryPaths.Of("crds", CrdGenerator.FileName)));
        Assert.Equal("modeldeployments.inference.llmoperator.dev", loaded.Metadata.Name);
        Assert.Equal(["md"], loaded.Spec.Names.ShortNames);
        Assert.NotNull(loaded.Spec.Versions[0].Subresources.Status);
        Assert.Equal(["Model", "TP", "MaxLen", "Ready", "Revision", "Phase", "Age"],
            loaded.Spec.Versions[0].AdditionalPrinterColumns.Select(c => c.Name));
    }

    /// <summary>Structural schema (apiextensions v1): every node typed, no metadata beyond name/generateName rules, described.</summary>
    [Fact]
    public void Schema_Should_BeStructuralAndDescribed_When_Generated()
    {
        var problems = new List<string>();
        Walk(Schema, "", problems);
        Assert.Empty(problems);
    }

    [Theory]
    [InlineData("spec.engine.tensorParallelSize", 1.0, 64.0)]
    [InlineData("spec.engine.maxModelLen", 1.0, 67108864.0)]
    [InlineData("spec.engine.gpuMemoryUtilization", 0.0, 1.0)]
    [InlineData("spec.replicas", 0.0, 1000.0)]
    public void Schema_Should_BoundNumbers_When_FieldIsNumeric(string path, double min, double max)
    {
        var node = At(path);
        Assert.Equal(min, node.Minimum);
        Assert.Equal(max, node.Maximum);
    }

    [Fact]
    public void Schema_Should_CarryCelRulesEnumsAndDefaults_When_Generated()
    {
        Assert.Contains(At("spec.engine").XKubernetesValidations, r => r.Rule.Contains("maxNumBatchedTokens >= self.maxNumSeqs"));
        Assert.Equal(["engine", "vllm"], At("spec.engine.runtime").EnumProperty.Select(e => e.ToString()));
        Assert.Equal(16, At("spec.engine.blockSize").DefaultProperty);
        Assert.Equal(["type"], At("status.conditions").XKubernetesListMapKeys);
        Assert.Equal(["spec"], Schema.Required);
    }

    private static V1JSONSchemaProps At(string path) =>
        path.Split('.').Aggregate(Schema, (node, part) => node.Properties[part]);

    private static void Walk(V1JSONSchemaProps node, string path, List<string> problems)
    {
        bool typed = node.Type is not null || node.XKubernetesIntOrString == true || node.XKubernetesPreserveUnknownFields == true;
        if (!typed) problems.Add($"{path}: no type");
        if (path.Length > 0 && string.IsNullOrWhiteSpace(node.Description)) problems.Add($"{path}: no description");
        if (node.Properties is not null && node.AdditionalProperties is not null) problems.Add($"{path}: properties and additionalProperties");
        if (node.Type == "array" && node.Items is not V1JSONSchemaProps) problems.Add($"{path}: array without items");
        foreach (var (name, child) in node.Properties ?? new Dictionary<string, V1JSONSchemaProps>())
            Walk(child, path.Length == 0 ? name : $"{path}.{name}", problems);
        if (node.Items is V1JSONSchemaProps items) Walk(items with { Description = items.Description ?? node.Description }, path + "[]", problems);
    }
}
