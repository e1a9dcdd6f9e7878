using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json;
using System.Text.RegularExpressions;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api.Tables;

/// <summary>
/// A CRD printer column's <c>jsonPath</c>: the "simple" subset of Kubernetes JSONPath that apiextensions
/// allows there — fields (<c>.a.b</c>, <c>['a.b']</c>), indexes (<c>[0]</c>, <c>[-1]</c>), <c>[*]</c> and
/// filters (<c>[?(@.type=="Ready")]</c>). Written here because Kubernetes' dialect (no <c>$</c>, Go-style
/// filters) is what CRDs carry and no served .NET JSONPath package speaks it; templates (<c>{...}</c>)
/// and ranges are not allowed in printer columns anyway.
/// </summary>
public sealed partial class PrinterColumnPath
{
    private readonly IReadOnlyList<Step> _steps;

    private PrinterColumnPath(IReadOnlyList<Step> steps) => _steps = steps;

    /// <summary>Parses a path; throws <see cref="FormatException"/> naming the offending part.</summary>
    public static PrinterColumnPath Parse(string path)
    {
        var text = path.Trim();
        if (text.StartsWith('{') && text.EndsWith('}')) text = text[1..^1];
        if (text.StartsWith('$')) text = text[1..];
        if (!text.StartsWith('.') && !text.StartsWith('['))
        {
            throw new FormatException($"jsonPath \"{path}\" must start with '.' (e.g. .spec.replicas)");
        }

        var steps = new List<Step>();
        var at = 0;
        while (at < text.Length)
        {
            var match = StepPattern().Match(text, at);
            if (!match.Success || match.Index != at)
            {
                throw new FormatException($"jsonPath \"{path}\" is not a simple path at \"{text[at..]}\"");
            }

            steps.Add(ToStep(match));
            at += match.Length;
        }

        return new PrinterColumnPath(steps);
    }

    /// <summary>Every value the path selects, in document order (missing fields select nothing).</summary>
    public IReadOnlyList<JsonNode?> Evaluate(JsonNode? root)
    {
        IEnumerable<JsonNode?> current = [root];
        foreach (var step in _steps)
        {
            current = current.SelectMany(step.Apply).ToList();
        }

        return current.ToList();
    }

    private static Step ToStep(Match m)
    {
        if (m.Groups["field"].Success) return new FieldStep(m.Groups["field"].Value);
        if (m.Groups["quoted"].Success) return new FieldStep(m.Groups["quoted"].Value);
        if (m.Groups["index"].Success) return new IndexStep(int.Parse(m.Groups["index"].Value, CultureInfo.InvariantCulture));
        if (m.Groups["star"].Success) return new WildcardStep();
        var filterPath = m.Groups["fpath"].Value.Split('.', StringSplitOptions.RemoveEmptyEntries);
        return new FilterStep(filterPath, m.Groups["op"].Value, ParseLiteral(m.Groups["literal"].Value));
    }

    private static JsonNode? ParseLiteral(string literal) =>
        literal.StartsWith('\'') ? JsonValue.Create(literal[1..^1]) : JsonNode.Parse(literal);

    [GeneratedRegex("""
        \G(?:
          \.(?<field>[A-Za-z0-9_\-/]+)
        | \[\s*['"](?<quoted>[^'"]+)['"]\s*\]
        | \[\s*(?<index>-?\d+)\s*\]
        | \.?\[\s*(?<star>\*)\s*\]
        | \[\s*\?\(\s*@(?<fpath>(?:\.[A-Za-z0-9_\-/]+)+)\s*(?<op>==|!=)\s*(?<literal>"[^"]*"|'[^']*'|-?\d+(?:\.\d+)?|true|false)\s*\)\s*\]
        )
        """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex StepPattern();

    private abstract record Step
    {
        public abstract IEnumerable<JsonNode?> Apply(JsonNode? node);
    }

    private sealed record FieldStep(string Name) : Step
    {
        public override IEnumerable<JsonNode?> Apply(JsonNode? node) =>
            node is JsonObject obj && obj.TryGetPropertyValue(Name, out var value) ? [value] : [];
    }

    private sealed record IndexStep(int Index) : Step
    {
        public override IEnumerable<JsonNode?> Apply(JsonNode? node)
        {
            if (node is not JsonArray array) return [];
            var i = Index < 0 ? array.Count + Index : Index;
            return i >= 0 && i < array.Count ? [array[i]] : [];
        }
    }

    private sealed record WildcardStep : Step
    {
        public override IEnumerable<JsonNode?> Apply(JsonNode? node) => node switch
        {
            JsonArray array => array,
            JsonObject obj => obj.Select(p => p.Value),
            _ => [],
        };
    }

    private sealed record FilterStep(IReadOnlyList<string> Path, string Operator, JsonNode? Literal) : Step
    {
        public override IEnumerable<JsonNode?> Apply(JsonNode? node) =>
            (node as JsonArray ?? []).Where(item => Matches(JsonRead.At(item, [.. Path])));

        private bool Matches(JsonNode? value)
        {
            if (value is null) return false;
            var equal = value.GetValueKind() == JsonValueKind.Number && Literal?.GetValueKind() == JsonValueKind.Number
                ? JsonRead.Number(value) == JsonRead.Number(Literal)
                : JsonNode.DeepEquals(value, Literal);
            return Operator == "==" ? equal : !equal;
        }
    }
}
