using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace LlmOperator.Charts.Tests.Rendering;

/// <summary>
/// A chart template as YAML without helm (which this machine lacks), for templates written in the chart's style
/// (CHART-CONTRACT.md): lines that hold only a directive (<c>if</c>, <c>end</c>, <c>with</c>, <c>include … | nindent</c>,
/// comments) are dropped, and each inline action is evaluated from the values a test gives: <c>.Values.a.b</c> and
/// <c>.Release.Namespace</c> by path, <c>include "name" .</c> by name, and a Go raw string <c>{{`…`}}</c> (how
/// Prometheus's own <c>{{ $labels.x }}</c> passes through Helm) as its text. Anything else is an error naming the line.
/// </summary>
public static partial class HelmSkeleton
{
    // One action: {{ … }} with strings (raw or quoted) inside, which may hold braces.
    [GeneratedRegex("""\{\{-?\s*((?:`[^`]*`|"(?:[^"\\]|\\.)*"|[^`"}]|\}(?!\}))*?)\s*-?\}\}""")]
    private static partial Regex Action();

    [GeneratedRegex("""^include\s+"([^"]+)"\s+\.$""")]
    private static partial Regex Include();

    /// <param name="values">Keys like <c>Values.prometheusRule.notReadyMinutes</c>, <c>Release.Namespace</c> or <c>include llm-operator.fullname</c>.</param>
    public static string Render(string path, IReadOnlyDictionary<string, string> values)
    {
        var text = new StringBuilder();
        var lines = File.ReadAllLines(path);
        for (int n = 0; n < lines.Length; n++)
        {
            var line = lines[n];
            if (Action().Match(line) is { Success: true } only && only.Value.Length == line.Trim().Length) continue;
            text.AppendLine(Action().Replace(line, m => Evaluate(m.Groups[1].Value, values, $"{Path.GetFileName(path)}:{n + 1}")));
        }
        return text.ToString();
    }

    /// <summary>The rendered template's documents, each as JSON (every scalar a string, as YAML 1.1 leaves them untyped).</summary>
    public static IReadOnlyList<JsonNode> Documents(string rendered)
    {
        var deserializer = new DeserializerBuilder().Build();
        var json = new SerializerBuilder().JsonCompatible().Build();
        var documents = new List<JsonNode>();
        var parser = new Parser(new StringReader(rendered));
        parser.Consume<StreamStart>();
        while (parser.Accept<DocumentStart>(out _))
        {
            if (deserializer.Deserialize<object?>(parser) is { } document) documents.Add(JsonNode.Parse(json.Serialize(document))!);
        }
        return documents;
    }

    /// <summary>The first and last lines: the template renders nothing unless <paramref name="flag"/> is true.</summary>
    public static bool IsGatedBy(string path, string flag)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToList();
        return lines[0].Trim() == "{{- if " + flag + " }}" && lines[^1].Trim() == "{{- end }}";
    }

    private static string Evaluate(string action, IReadOnlyDictionary<string, string> values, string where)
    {
        if (action.Length >= 2 && action[0] == '`' && action[^1] == '`') return action[1..^1];
        var key = Include().Match(action) is { Success: true } include ? "include " + include.Groups[1].Value
            : action.StartsWith('.') ? action[1..] : null;
        if (key is not null && values.TryGetValue(key, out var value)) return value;
        throw new InvalidDataException($"{where}: no value for {{{{ {action} }}}}; give the test a value for '{key ?? action}'" +
                                       " or write the template in the chart's style (inline actions are scalars).");
    }
}
