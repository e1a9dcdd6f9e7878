using System.Text.Json;
using System.Text.Json.Nodes;
using LlmOperator.Charts.Tests.Rendering;
using LlmOperator.Charts.Tests.Yaml;

namespace LlmOperator.Charts.Tests;

/// <summary>The files of charts/llm-operator, read once per test run.</summary>
internal static class ChartFiles
{
    public static string Directory { get; } = RepositoryPaths.Of("charts", "llm-operator");

    public static string Of(params string[] parts) => Path.Combine([Directory, .. parts]);

    private static readonly Lazy<JsonNode> LazyValues = new(() =>
        YamlJson.Single(File.ReadAllText(Of("values.yaml")), "charts/llm-operator/values.yaml"));

    private static readonly Lazy<JsonNode> LazySchema = new(() => JsonNode.Parse(File.ReadAllText(Of("values.schema.json")))!);

    /// <summary>values.yaml, typed as Helm reads it.</summary>
    public static JsonNode Values => LazyValues.Value.DeepClone();

    public static JsonNode Schema => LazySchema.Value.DeepClone();

    /// <summary>Every template file (helpers and NOTES.txt included), whoever wrote it.</summary>
    public static IEnumerable<string> TemplateFiles() =>
        System.IO.Directory.EnumerateFiles(Of("templates"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    /// <summary>The templates that render manifests (not _helpers.tpl, not NOTES.txt).</summary>
    public static IEnumerable<string> ManifestTemplates() => TemplateFiles()
        .Where(f => Path.GetExtension(f) is ".yaml" or ".yml" && !Path.GetFileName(f).StartsWith('_'));

    public static JsonElement ToElement(JsonNode node) => JsonSerializer.SerializeToElement(node);
}
