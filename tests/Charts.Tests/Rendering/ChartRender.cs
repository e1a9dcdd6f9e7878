using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LlmOperator.Charts.Tests.Yaml;

namespace LlmOperator.Charts.Tests.Rendering;

/// <summary>One manifest of a render: the template it came from, its YAML, and that YAML as JSON (typed as helm reads it).</summary>
public sealed record RenderedDocument(string Source, string Yaml, JsonObject Json)
{
    public string Kind => (string?)Json["kind"] ?? "";
    public string Name => (string?)Json["metadata"]?["name"] ?? "";
    public string? Namespace => (string?)Json["metadata"]?["namespace"];

    /// <summary>The KubernetesClient model of this manifest; strict, so an unknown or mistyped field throws.</summary>
    public T As<T>() => k8s.KubernetesYaml.Deserialize<T>(Yaml, strict: true);

    public override string ToString() => $"{Kind}/{Name} ({Source})";
}

/// <summary>charts/llm-operator rendered like <c>helm template</c> (<see cref="HelmRenderProgram"/>).</summary>
public static partial class ChartRenderer
{
    public const string Release = "llm-operator";
    public const string Namespace = "llm-operator-system";

    // helm template's separator: each document under the template it came from.
    [GeneratedRegex(@"^---\n# Source: (?<source>\S+)\n", RegexOptions.Multiline)]
    private static partial Regex DocumentStart();

    /// <param name="values">Merged over values.yaml as helm's -f does (null deletes a default).</param>
    public static HelmRenderOutput Render(JsonObject? values = null, string release = Release, string @namespace = Namespace,
        string? showOnly = null, string? chartDirectory = null) =>
        HelmRenderProgram.Run(RepositoryPaths.Root, chartDirectory ?? ChartFiles.Directory, release, @namespace, values?.ToJsonString(), showOnly);

    /// <summary>The documents of a render that must succeed; its error otherwise.</summary>
    public static IReadOnlyList<RenderedDocument> Documents(JsonObject? values = null, string release = Release, string @namespace = Namespace)
    {
        var output = Render(values, release, @namespace);
        if (output.ExitCode != 0) throw new InvalidOperationException($"helmrender exited {output.ExitCode}: {output.Error}");
        return Split(output.Manifests);
    }

    public static IReadOnlyList<RenderedDocument> Split(string manifests)
    {
        var starts = DocumentStart().Matches(manifests);
        return [.. starts.Select((start, i) =>
        {
            var end = i + 1 < starts.Count ? starts[i + 1].Index : manifests.Length;
            var yaml = manifests[(start.Index + start.Length)..end];
            var source = start.Groups["source"].Value;
            return new RenderedDocument(source, yaml, YamlJson.Single(yaml, source).AsObject());
        })];
    }
}
