using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LlmOperator.Operator.Validation;

/// <summary>One YAML document of a manifest file, with where it starts (1-based line) for messages.</summary>
public sealed record ManifestDocument(string File, int Line, YamlMappingNode Root)
{
    public string Kind => Scalar("kind") ?? "";
    public string ApiVersion => Scalar("apiVersion") ?? "";
    public string Location => $"{File}:{Line}";

    public string? Scalar(string key) =>
        Root.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode s ? s.Value : null;
}

/// <summary>Input that cannot be read as manifests: the message names the file and line.</summary>
public sealed class ManifestException(string message) : Exception(message);

/// <summary>Reads Kubernetes manifests (multi-document YAML files, or every .yaml/.yml/.json file of a folder).</summary>
public static class ManifestReader
{
    /// <summary>All documents of the given files and folders, in order; empty documents are skipped.</summary>
    public static IReadOnlyList<ManifestDocument> Read(IEnumerable<string> paths) => paths.SelectMany(Expand).SelectMany(ReadFile).ToList();

    /// <summary>The documents of YAML <paramref name="text"/> read from <paramref name="file"/>.</summary>
    public static IReadOnlyList<ManifestDocument> Parse(string text, string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new ManifestException($"{file}:{e.Start.Line}:{e.Start.Column}: invalid YAML: {Innermost(e).Message}");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this instead of a YamlException when input ends inside a flow collection.
            int lines = text.Split('\n').Length;
            throw new ManifestException($"{file}:{lines}:1: invalid YAML: unexpected end of input (an unclosed '{{' or '[').");
        }
        var documents = new List<ManifestDocument>();
        foreach (var doc in stream.Documents)
        {
            switch (doc.RootNode)
            {
                case YamlMappingNode map:
                    documents.Add(new ManifestDocument(file, (int)map.Start.Line, map));
                    break;
                case YamlScalarNode { Value: null or "" }:
                    break; // an empty document between two '---'
                default:
                    throw new ManifestException($"{file}:{doc.RootNode.Start.Line}: a manifest must be a mapping with apiVersion and kind, found a {doc.RootNode.NodeType}.");
            }
        }
        return documents;
    }

    private static IEnumerable<string> Expand(string path)
    {
        if (Directory.Exists(path))
            return Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal);
        if (File.Exists(path)) return [path];
        throw new ManifestException($"{path}: no such file or directory.");
    }

    private static IReadOnlyList<ManifestDocument> ReadFile(string file)
    {
        try
        {
            return Parse(File.ReadAllText(file), file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ManifestException($"{file}: cannot be read: {e.Message}");
        }
    }

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);
}
