using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api.Selection;

/// <summary>
/// A parsed <c>labelSelector</c> query parameter, in apimachinery's syntax: comma-separated
/// requirements <c>k=v</c>, <c>k==v</c>, <c>k!=v</c>, <c>k in (a,b)</c>, <c>k notin (a,b)</c>,
/// <c>k</c>, <c>!k</c>, <c>k&gt;n</c>, <c>k&lt;n</c>. All requirements must hold.
/// </summary>
public sealed class LabelSelector
{
    private readonly IReadOnlyList<Requirement> _requirements;

    private LabelSelector(IReadOnlyList<Requirement> requirements) => _requirements = requirements;

    public static LabelSelector Everything { get; } = new([]);

    public bool IsEverything => _requirements.Count == 0;

    /// <summary>Parses a selector; throws 400 BadRequest naming the bad requirement.</summary>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Everything;
        return new LabelSelector(SplitTerms(text).Select(ParseRequirement).ToList());
    }

    public bool Matches(JsonObject obj)
    {
        var labels = obj["metadata"]?["labels"] as JsonObject;
        return _requirements.All(r => r.Matches(JsonText.Of(labels?[r.Key])));
    }

    /// <summary>Splits on commas outside parentheses: "a in (x,y),b" → ["a in (x,y)", "b"].</summary>
    private static IEnumerable<string> SplitTerms(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            depth += text[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        yield return text[start..];
    }

    private static Requirement ParseRequirement(string raw)
    {
        var term = raw.Trim();
        if (term.Length == 0) throw Bad(raw, "empty requirement");
        if (term.StartsWith('!')) return new Requirement(Key(term[1..], raw), Operator.DoesNotExist, []);

        foreach (var (token, op) in new[] { ("!=", Operator.NotEquals), ("==", Operator.Equals), ("=", Operator.Equals), (">", Operator.GreaterThan), ("<", Operator.LessThan) })
        {
            var at = term.IndexOf(token, StringComparison.Ordinal);
            if (at < 0) continue;
            var value = term[(at + token.Length)..].Trim();
            if ((op is Operator.GreaterThan or Operator.LessThan) && !long.TryParse(value, out _))
            {
                throw Bad(raw, $"for '{token}', the value must be an integer");
            }

            return new Requirement(Key(term[..at], raw), op, [Value(value, raw)]);
        }

        return ParseSetRequirement(term, raw);
    }

    private static Requirement ParseSetRequirement(string term, string raw)
    {
        var parts = term.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 1) return new Requirement(Key(parts[0], raw), Operator.Exists, []);

        var rest = parts[1];
        var (op, list) = rest.StartsWith("notin", StringComparison.Ordinal) ? (Operator.NotIn, rest[5..])
            : rest.StartsWith("in", StringComparison.Ordinal) ? (Operator.In, rest[2..])
            : throw Bad(raw, "expected one of '=', '==', '!=', 'in', 'notin'");
        list = list.Trim();
        if (!list.StartsWith('(') || !list.EndsWith(')')) throw Bad(raw, "the values of 'in'/'notin' must be in parentheses");
        var values = list[1..^1].Split(',', StringSplitOptions.TrimEntries).Select(v => Value(v, raw)).ToList();
        return new Requirement(Key(parts[0], raw), op, values);
    }

    private static string Key(string key, string raw)
    {
        key = key.Trim();
        if (key.Length == 0 || key.Any(c => char.IsWhiteSpace(c) || c is '(' or ')' or ',' or '!' or '='))
        {
            throw Bad(raw, $"invalid label key \"{key}\"");
        }

        return key;
    }

    private static string Value(string value, string raw)
    {
        if (value.Any(c => char.IsWhiteSpace(c) || c is '(' or ')' or ',' or '!' or '='))
        {
            throw Bad(raw, $"invalid label value \"{value}\"");
        }

        return value;
    }

    private static ApiError Bad(string term, string why) =>
        ApiError.BadRequest($"unable to parse requirement \"{term.Trim()}\" of labelSelector: {why}");

    private enum Operator { Equals, NotEquals, In, NotIn, Exists, DoesNotExist, GreaterThan, LessThan }

    private sealed record Requirement(string Key, Operator Op, IReadOnlyList<string> Values)
    {
        // Semantics of apimachinery labels.Requirement.Matches: "!=" and "notin" hold when the label is absent.
        public bool Matches(string? label) => Op switch
        {
            Operator.Equals or Operator.In => label is not null && Values.Contains(label),
            Operator.NotEquals or Operator.NotIn => label is null || !Values.Contains(label),
            Operator.Exists => label is not null,
            Operator.DoesNotExist => label is null,
            Operator.GreaterThan => long.TryParse(label, out var g) && g > long.Parse(Values[0]),
            Operator.LessThan => long.TryParse(label, out var l) && l < long.Parse(Values[0]),
            _ => false,
        };
    }
}
