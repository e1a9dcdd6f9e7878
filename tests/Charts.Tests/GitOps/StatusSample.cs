using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace LlmOperator.Charts.Tests.GitOps;

/// <summary>One case of health_test.yaml (Argo CD's resource_customizations layout): a sample and its expected health.</summary>
internal sealed record StatusSample(string InputPath, string Status, string Message)
{
    public static readonly string Folder = RepositoryPaths.Of("tests", "Charts.Tests", "GitOps");

    public string Name => Path.GetFileNameWithoutExtension(InputPath);

    public JsonNode Load()
    {
        var path = Path.Combine(Folder, InputPath);
        return JsonNode.Parse(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path} holds JSON null, not a ModelDeployment");
    }

    /// <summary>Every case of GitOps/health_test.yaml.</summary>
    public static IReadOnlyList<StatusSample> All { get; } = Read(Path.Combine(Folder, "health_test.yaml"));

    /// <summary>The samples by name, for xUnit's MemberData (names, not objects, so that each case is listed).</summary>
    public static TheoryData<string> Names => new(All.Select(s => s.Name));

    public static StatusSample Named(string name) => All.Single(s => s.Name == name);

    private static List<StatusSample> Read(string path)
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(path)) yaml.Load(reader);
        var tests = (YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["tests"];
        return tests.Cast<YamlMappingNode>().Select(test =>
        {
            var health = (YamlMappingNode)test["healthStatus"];
            return new StatusSample(Scalar(test, "inputPath"), Scalar(health, "status"), Scalar(health, "message"));
        }).ToList();
    }

    private static string Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode { Value: { } text }
            ? text
            : throw new InvalidDataException($"health_test.yaml: a test has no scalar '{key}'");
}
