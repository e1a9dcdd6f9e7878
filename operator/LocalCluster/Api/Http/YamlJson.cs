using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LlmOperator.LocalCluster.Api.Http;

/// <summary>
/// Reads a YAML document (application/yaml bodies, server-side apply) into JSON nodes with YamlDotNet's
/// parser. Plain scalars are resolved by the YAML 1.2 core schema, as sigs.k8s.io/yaml does, so
/// <c>replicas: 3</c> is a number and <c>enabled: true</c> a boolean; quoted scalars stay strings.
/// JSON is valid YAML, so JSON bodies (what kubectl sends) read the same.
/// </summary>
public static class YamlJson
{
    /// <summary>Parses one document; throws <see cref="YamlException"/> (with a line and column where the parser knows them) on bad input.</summary>
    public static JsonNode? Parse(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner throws this on some malformed flow collections ("[1, 2" without "]").
            throw new YamlException($"malformed YAML: {e.Message}");
        }

        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(p => KeyValuePair.Create(KeyOf(p.Key), Convert(p.Value)))),
        YamlSequenceNode list => new JsonArray(list.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new YamlException(node.Start, node.End, $"unsupported YAML node {node.NodeType} (anchors and aliases are not supported)"),
    };

    private static string KeyOf(YamlNode key) =>
        key is YamlScalarNode { Value: { } text } ? text : throw new YamlException(key.Start, key.End, "mapping keys must be scalars");

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain || scalar.Tag == "tag:yaml.org,2002:str") return JsonValue.Create(text);
        if (text is "" or "~" or "null" or "Null" or "NULL") return null;
        if (text is "true" or "True" or "TRUE") return JsonValue.Create(true);
        if (text is "false" or "False" or "FALSE") return JsonValue.Create(false);
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)) return JsonValue.Create(integer);
        if (text.StartsWith("0x", StringComparison.Ordinal) &&
            long.TryParse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex)) return JsonValue.Create(hex);
        if (text.StartsWith("0o", StringComparison.Ordinal) && text.Length > 2 && text[2..].All(c => c is >= '0' and <= '7'))
        {
            return JsonValue.Create(System.Convert.ToInt64(text[2..], 8));
        }

        if (IsFloat(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)) return JsonValue.Create(real);
        return JsonValue.Create(text);
    }

    // The core schema's float pattern: [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
    // (.inf and .nan have no JSON form and stay strings.)
    private static bool IsFloat(string text) =>
        System.Text.RegularExpressions.Regex.IsMatch(text, @"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$");
}
