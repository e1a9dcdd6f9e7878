using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LlmOperator.Charts.Tests.Yaml;

/// <summary>A YAML syntax or structure problem, with the file (or source) and line in its message.</summary>
public sealed class YamlFormatException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// YAML documents as JSON nodes, typed the way Helm reads values (sigs.k8s.io/yaml): an unquoted scalar is a null,
/// boolean, integer or float when it reads as one, anything else (and every quoted scalar) is a string. So the
/// schema check sees `replicaCount: 2` as the integer Helm validates, and `tag: "1"` as a string.
/// </summary>
public static partial class YamlJson
{
    /// <summary>Every non-empty document of <paramref name="text"/>; <paramref name="source"/> names it in errors.</summary>
    public static IReadOnlyList<JsonNode> Documents(string text, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new YamlFormatException($"{source}:{e.Start.Line}:{e.Start.Column}: {e.Message}", e);
        }
        return [.. stream.Documents.Select(d => Convert(d.RootNode, source)).OfType<JsonNode>()];
    }

    /// <summary>The single document of a file such as values.yaml.</summary>
    public static JsonNode Single(string text, string source) => Documents(text, source) switch
    {
        [var only] => only,
        var all => throw new YamlFormatException($"{source}: expected one YAML document, found {all.Count}."),
    };

    public static JsonNode? Convert(YamlNode node, string source) => node switch
    {
        YamlMappingNode mapping => Mapping(mapping, source),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(c => Convert(c, source))]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new YamlFormatException($"{source}:{node.Start.Line}: unsupported YAML node {node.NodeType}."),
    };

    private static JsonObject Mapping(YamlMappingNode mapping, string source)
    {
        var result = new JsonObject();
        foreach (var (key, value) in mapping.Children)
        {
            string name = key is YamlScalarNode { Value: { } text } ? text
                : throw new YamlFormatException($"{source}:{key.Start.Line}: mapping keys must be scalars.");
            // Kubernetes and Helm reject (or silently drop) one of two equal keys: a mistake either way.
            if (result.ContainsKey(name)) throw new YamlFormatException($"{source}:{key.Start.Line}: duplicate key '{name}'.");
            result[name] = Convert(value, source);
        }
        return result;
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        string text = scalar.Value ?? "";
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any)) return JsonValue.Create(text);
        if (text is "" or "~" or "null" or "Null" or "NULL") return null;
        if (text is "true" or "True" or "TRUE") return JsonValue.Create(true);
        if (text is "false" or "False" or "FALSE") return JsonValue.Create(false);
        if (IntegerPattern().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long integer))
            return JsonValue.Create(integer);
        if (FloatPattern().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
            return JsonValue.Create(number);
        return JsonValue.Create(text);
    }

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
