using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LlmOperator.Charts.Tests.Yaml;

namespace LlmOperator.Charts.Tests.Rendering;

/// <summary>
/// A Helm template reduced to the YAML it always produces, since helm cannot run here: every line that holds only
/// template actions (<c>{{- if }}</c>, <c>{{- end }}</c>, <c>{{- include ... | nindent 4 }}</c>, ...) is dropped, and
/// each remaining inline action becomes a placeholder scalar (<c>__tpl_N__</c>) whose expression
/// <see cref="ExpressionOf"/> returns. Both branches of an if/else are kept, so they must not repeat a mapping key.
/// </summary>
public sealed partial class TemplateSkeleton
{
    private readonly Dictionary<string, string> _expressions;

    private TemplateSkeleton(string source, string text, IReadOnlyList<JsonNode> documents, Dictionary<string, string> expressions)
    {
        Source = source;
        Text = text;
        Documents = documents;
        _expressions = expressions;
    }

    public string Source { get; }

    /// <summary>The YAML left after the rewrite.</summary>
    public string Text { get; }

    /// <summary>The non-empty YAML documents of <see cref="Text"/>.</summary>
    public IReadOnlyList<JsonNode> Documents { get; }

    public static TemplateSkeleton FromFile(string path) => FromText(File.ReadAllText(path), path);

    public static TemplateSkeleton FromText(string template, string source)
    {
        var expressions = new Dictionary<string, string>();
        var text = new StringBuilder();
        int lineNumber = 0;
        foreach (var line in template.Split('\n'))
        {
            lineNumber++;
            if (DirectiveOnlyLine().IsMatch(line)) continue;
            if (line.Contains("{{", StringComparison.Ordinal) != line.Contains("}}", StringComparison.Ordinal))
                throw new YamlFormatException($"{source}:{lineNumber}: a template action spans lines; keep each {{{{ ... }}}} on one line.");
            text.Append(Action().Replace(line, match =>
            {
                string placeholder = $"__tpl_{expressions.Count}__";
                expressions[placeholder] = match.Groups["expression"].Value.Trim();
                return placeholder;
            })).Append('\n');
        }
        string yaml = text.ToString();
        return new TemplateSkeleton(source, yaml, YamlJson.Documents(yaml, source + " (directive lines removed)"), expressions);
    }

    /// <summary>The template expression a placeholder stands for, e.g. <c>.Values.metrics.port</c>; null when the node is literal text.</summary>
    public string? ExpressionOf(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue(out string? text) && _expressions.TryGetValue(text, out var expression) ? expression : null;

    /// <summary>The expressions of every placeholder inside <paramref name="text"/>, in order.</summary>
    public IReadOnlyList<string> ExpressionsIn(string text) =>
        [.. Placeholder().Matches(text).Select(m => _expressions.TryGetValue(m.Value, out var e) ? e : m.Value)];

    /// <summary>The one document of this kind; fails naming the template when there is none or several.</summary>
    public JsonObject Document(string kind)
    {
        var matches = Documents.OfType<JsonObject>().Where(d => (string?)d["kind"] == kind).ToList();
        return matches.Count == 1 ? matches[0]
            : throw new InvalidOperationException($"{Source}: expected one {kind}, found {matches.Count}.");
    }

    // An action's body: quoted and raw (backquoted) strings whole, since they may hold "}}" (Prometheus templates
    // are written as {{ "{{" }} $labels.x {{ "}}" }} or {{`{{ $labels.x }}`}}), anything else up to the first "}}".
    private const string Body = @"(?:""(?:[^""\\]|\\.)*""|`[^`]*`|(?!-?\}\}).)*?";

    [GeneratedRegex(@"^\s*(\{\{-?" + Body + @"-?\}\}\s*)+$")]
    private static partial Regex DirectiveOnlyLine();

    [GeneratedRegex(@"\{\{-?(?<expression>" + Body + @")-?\}\}")]
    private static partial Regex Action();

    [GeneratedRegex(@"__tpl_[0-9]+__")]
    private static partial Regex Placeholder();
}
