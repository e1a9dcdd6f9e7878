using System.Text;
using System.Text.RegularExpressions;

namespace LlmOperator.Operator.Tests.Rbac;

/// <summary>
/// A Helm template read the way the chart contract (CHART-CONTRACT.md, "Template style") promises it can be, helm not
/// being available here: every line that is only a directive (<c>{{- if }}</c>, <c>{{- end }}</c>, <c>{{- include ...
/// | nindent N }}</c>) is dropped, so every branch is kept, and each inline <c>{{ expr }}</c> becomes the value the test
/// gives for that expression. An expression without a value fails naming file, line and expression, so that a new
/// template call cannot slip through as a placeholder.
/// </summary>
internal static partial class TemplateSkeleton
{
    public static string Render(string path, IReadOnlyDictionary<string, string> values)
    {
        var output = new StringBuilder();
        var lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            if (DirectiveLine().IsMatch(lines[i])) continue;
            var line = Action().Replace(lines[i], m => values.TryGetValue(m.Groups["expr"].Value, out var value)
                ? value
                : throw new InvalidOperationException($"{path}:{i + 1}: the template expression {{{{ {m.Groups["expr"].Value} }}}} has no value in " +
                                                      "this test; add it to the values the test renders with (or make the line a directive alone)."));
            output.AppendLine(line);
        }
        return output.ToString();
    }

    [GeneratedRegex(@"^\s*\{\{-?[^{}]*-?\}\}\s*$")]
    private static partial Regex DirectiveLine();

    [GeneratedRegex(@"\{\{-?\s*(?<expr>[^{}]*?)\s*-?\}\}")]
    private static partial Regex Action();
}
