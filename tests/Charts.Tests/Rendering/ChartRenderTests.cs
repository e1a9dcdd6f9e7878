using k8s.Models;

namespace LlmOperator.Charts.Tests.Rendering;

/// <summary>The chart rendered as `helm template` renders it (HelmRender/main.go), for each <see cref="RenderScenario"/>.</summary>
public sealed class ChartRenderTests
{
    // The KubernetesClient model of each core kind: a misspelt field or a string where an integer belongs fails.
    private static readonly IReadOnlyDictionary<string, Func<RenderedDocument, IMetadata<V1ObjectMeta>>> Models =
        new Dictionary<string, Func<RenderedDocument, IMetadata<V1ObjectMeta>>>
        {
            ["Deployment"] = d => d.As<V1Deployment>(),
            ["Service"] = d => d.As<V1Service>(),
            ["ServiceAccount"] = d => d.As<V1ServiceAccount>(),
            ["ClusterRole"] = d => d.As<V1ClusterRole>(),
            ["ClusterRoleBinding"] = d => d.As<V1ClusterRoleBinding>(),
            ["Role"] = d => d.As<V1Role>(),
            ["RoleBinding"] = d => d.As<V1RoleBinding>(),
            ["ValidatingWebhookConfiguration"] = d => d.As<V1ValidatingWebhookConfiguration>(),
            ["MutatingWebhookConfiguration"] = d => d.As<V1MutatingWebhookConfiguration>(),
            ["PodDisruptionBudget"] = d => d.As<V1PodDisruptionBudget>(),
            ["NetworkPolicy"] = d => d.As<V1NetworkPolicy>(),
            ["ConfigMap"] = d => d.As<V1ConfigMap>(),
        };

    private static IReadOnlyList<RenderedDocument> Render(RenderScenario s) => ChartRenderer.Documents(s.ValuesObject, s.Release, s.Namespace);

    [Theory]
    [MemberData(nameof(RenderScenario.Names), MemberType = typeof(RenderScenario))]
    public void Render_Should_YieldExactlyTheExpectedResources_When_ValuesAreGiven(string scenario)
    {
        var s = RenderScenario.All[scenario];

        var rendered = Render(s).Select(d => $"{d.Kind}/{d.Name}");

        Assert.Equal(s.Expected.Order(StringComparer.Ordinal), rendered.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(RenderScenario.Names), MemberType = typeof(RenderScenario))]
    public void Render_Should_PutNamespacedResourcesInTheReleaseNamespace_When_ValuesAreGiven(string scenario)
    {
        var s = RenderScenario.All[scenario];

        Assert.All(Render(s), d =>
        {
            Assert.False(string.IsNullOrEmpty((string?)d.Json["apiVersion"]), $"{d}: no apiVersion");
            Assert.False(string.IsNullOrEmpty(d.Kind), $"{d}: no kind");
            Assert.False(string.IsNullOrEmpty(d.Name), $"{d}: no metadata.name");
            Assert.Equal(RenderScenario.ClusterScoped.Contains(d.Kind) ? null : s.Namespace, d.Namespace);
        });
    }

    [Theory]
    [MemberData(nameof(RenderScenario.Names), MemberType = typeof(RenderScenario))]
    public void Render_Should_DeserializeIntoKubernetesModels_When_ValuesAreGiven(string scenario)
    {
        var documents = Render(RenderScenario.All[scenario]).Where(d => Models.ContainsKey(d.Kind)).ToList();

        Assert.NotEmpty(documents);
        Assert.All(documents, d => Assert.Equal(d.Name, Models[d.Kind](d).Metadata.Name));
    }

    [Theory]
    [InlineData("""{"metrics": {"port": 9443}}""", "metrics.port and webhook.port must differ")]
    [InlineData("""{"replicaCount": 2, "leaderElection": {"enabled": false}}""", "replicaCount above 1 needs leaderElection.enabled: true")]
    [InlineData("""{"serviceAccount": {"create": false}}""", "serviceAccount.name must name an existing ServiceAccount")]
    public void Render_Should_FailWithTheTemplatesMessage_When_ValuesContradict(string values, string message)
    {
        var output = ChartRenderer.Render(System.Text.Json.Nodes.JsonNode.Parse(values)!.AsObject());

        Assert.Equal(1, output.ExitCode);
        Assert.Contains("execution error at (llm-operator/templates/", output.Error);
        Assert.Contains(message, output.Error);
        Assert.Empty(output.Manifests);
    }

    [Fact]
    public void Render_Should_FailWithTheFileAndLine_When_ATemplateMissesItsEnd()
    {
        var chart = Directory.CreateTempSubdirectory("broken-chart-");
        try
        {
            foreach (var file in Directory.EnumerateFiles(ChartFiles.Directory, "*", SearchOption.AllDirectories))
            {
                var copy = Path.Combine(chart.FullName, Path.GetRelativePath(ChartFiles.Directory, file));
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(file, copy);
            }
            var pdb = Path.Combine(chart.FullName, "templates", "pdb.yaml");
            File.WriteAllText(pdb, File.ReadAllText(pdb).TrimEnd()[..^"{{- end }}".Length]);

            var output = ChartRenderer.Render(chartDirectory: chart.FullName);

            Assert.Equal(1, output.ExitCode);
            Assert.Contains("parse error at (llm-operator/templates/pdb.yaml:", output.Error);
            Assert.Contains("unexpected EOF", output.Error);
        }
        finally
        {
            chart.Delete(recursive: true);
        }
    }
}
