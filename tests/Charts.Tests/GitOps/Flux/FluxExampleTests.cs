using k8s;
using LlmOperator.Operator.Entities;
using YamlDotNet.RepresentationModel;

namespace LlmOperator.Charts.Tests.GitOps.Flux;

/// <summary>examples/flux/: its YAML parses, and what it points at exists (CRD group/version/kind, example, chart, source).</summary>
public sealed class FluxExampleTests
{
    private static readonly string Folder = RepositoryPaths.Of("examples", "flux");

    private static readonly List<YamlMappingNode> Objects = Directory.GetFiles(Folder, "*.yaml").Order()
        .SelectMany(Documents).ToList();

    [Fact]
    public void Kustomization_Should_HealthCheckAnExampleModelDeployment_When_Applied()
    {
        var kustomization = Single("kustomize.toolkit.fluxcd.io/v1", "Kustomization");
        var spec = (YamlMappingNode)kustomization["spec"];
        var examples = ExampleDeployments(Path.Combine(RepositoryPaths.Root, Text(spec, "path")));

        var checks = ((YamlSequenceNode)spec["healthChecks"]).Cast<YamlMappingNode>().ToList();

        Assert.NotEmpty(checks);
        Assert.All(checks, check =>
        {
            Assert.Equal((V1Alpha1ModelDeployment.GroupVersion, V1Alpha1ModelDeployment.EntityKind), (Text(check, "apiVersion"), Text(check, "kind")));
            Assert.Contains((Text(check, "namespace"), Text(check, "name")), examples.Select(md => (md.Metadata.NamespaceProperty, md.Metadata.Name)));
        });
        Assert.Matches(@"^([0-9]+(\.[0-9]+)?(h|m|s|ms))+$", Text(spec, "timeout")); // a Go duration, as Flux parses it
        Assert.Equal(Text(Single("source.toolkit.fluxcd.io/v1", "GitRepository")["metadata"], "name"),
            Text(spec["sourceRef"], "name"));
    }

    [Fact]
    public void GitRepository_Should_KeepTheHealthCheckedExample_When_ItsIgnoreRulesApply()
    {
        var ignore = Text(Single("source.toolkit.fluxcd.io/v1", "GitRepository")["spec"], "ignore").Split('\n');
        var check = (YamlMappingNode)((YamlSequenceNode)Single("kustomize.toolkit.fluxcd.io/v1", "Kustomization")["spec"]["healthChecks"])[0];
        var file = Directory.GetFiles(RepositoryPaths.Of("examples"), "*.yaml")
            .Single(f => KubernetesYaml.Deserialize<V1Alpha1ModelDeployment>(File.ReadAllText(f)).Metadata.Name == Text(check, "name"));

        Assert.Contains($"!/examples/{Path.GetFileName(file)}", ignore);
    }

    [Fact]
    public void HelmRelease_Should_InstallTheChartFromTheSameSource_When_Reconciled()
    {
        var release = Single("helm.toolkit.fluxcd.io/v2", "HelmRelease");
        var chart = (YamlMappingNode)release["spec"]["chart"]["spec"];

        Assert.True(Directory.Exists(Path.Combine(RepositoryPaths.Root, Text(chart, "chart"))), $"{Text(chart, "chart")} is not a folder of the repository");
        Assert.Equal(("GitRepository", "llm-operator"), (Text(chart["sourceRef"], "kind"), Text(chart["sourceRef"], "name")));
        Assert.Equal("CreateReplace", Text(release["spec"]["install"], "crds"));
    }

    private static YamlMappingNode Single(string apiVersion, string kind) =>
        Objects.Single(o => Text(o, "apiVersion") == apiVersion && Text(o, "kind") == kind);

    private static IEnumerable<YamlMappingNode> Documents(string path)
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(path)) yaml.Load(reader);
        return yaml.Documents.Select(d => d.RootNode as YamlMappingNode ?? throw new InvalidDataException($"{path}: a document is not a mapping"));
    }

    /// <summary>The ModelDeployments in PATH itself (the GitRepository's ignore rules drop its subfolders).</summary>
    private static List<V1Alpha1ModelDeployment> ExampleDeployments(string path) =>
        Directory.GetFiles(path, "*.yaml").Select(f => KubernetesYaml.Deserialize<V1Alpha1ModelDeployment>(File.ReadAllText(f))).ToList();

    private static string Text(YamlNode node, string key) =>
        ((YamlMappingNode)node).Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode { Value: { } text }
            ? text
            : throw new InvalidDataException($"examples/flux: no scalar '{key}' in {node.Start}");
}
