using YamlDotNet.RepresentationModel;

namespace LlmOperator.Charts.Tests.GitOps;

/// <summary>The argocd-cm snippet users paste carries health.lua itself, key and all.</summary>
public sealed class ArgoConfigMapTests
{
    private static readonly string Folder = RepositoryPaths.Of("charts", "llm-operator", "docs", "argocd");

    [Fact]
    public void ArgoCdConfigMap_Should_CarryHealthLuaByteForByte_When_ParsedAsYaml()
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(Path.Combine(Folder, "argocd-cm.yaml"))) yaml.Load(reader);
        var root = (YamlMappingNode)yaml.Documents.Single().RootNode;

        var data = (YamlMappingNode)root["data"];
        var script = (YamlScalarNode)data["resource.customizations.health.inference.llmoperator.dev_ModelDeployment"];

        Assert.Equal(("v1", "ConfigMap", "argocd-cm"), (((YamlScalarNode)root["apiVersion"]).Value, ((YamlScalarNode)root["kind"]).Value,
            ((YamlScalarNode)((YamlMappingNode)root["metadata"])["name"]).Value));
        Assert.Equal(File.ReadAllText(Path.Combine(Folder, "health.lua")), script.Value);
    }

    [Fact]
    public void ArgoCdConfigMap_Should_NameTheCrdsGroupAndKind_When_KeyedForArgoCd()
    {
        var key = $"resource.customizations.health.{LlmOperator.Operator.Entities.V1Alpha1ModelDeployment.Group}_" +
                  LlmOperator.Operator.Entities.V1Alpha1ModelDeployment.EntityKind;

        Assert.Contains(key + ": |", File.ReadAllLines(Path.Combine(Folder, "argocd-cm.yaml")).Select(l => l.Trim()));
    }
}
