namespace LlmOperator.Charts.Tests.Observability;

/// <summary>
/// The metric names a PromQL expression reads, found by a small tokenizer: an identifier is a metric name unless it is
/// a function or aggregation (followed by <c>(</c>, or an aggregation followed by <c>by</c>/<c>without</c>), a keyword,
/// a label inside <c>{}</c>, or a label of a <c>by</c>/<c>without</c>/<c>on</c>/<c>ignoring</c>/<c>group_left</c>/
/// <c>group_right</c> list. Strings, durations in <c>[]</c>, numbers and Grafana's <c>$variables</c> are skipped. It
/// also refuses what Prometheus would: unbalanced brackets and functions Prometheus does not have.
/// </summary>
public static class PromQlMetricNames
{
    /// <summary>A metric name and the labels its <c>{}</c> matchers name.</summary>
    public sealed record Selector(string Metric, IReadOnlyList<string> Labels);

    private static readonly HashSet<string> Aggregations =
        ["sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio"];

    private static readonly HashSet<string> LabelLists = ["by", "without", "on", "ignoring", "group_left", "group_right"];

    private static readonly HashSet<string> Keywords = ["offset", "bool", "and", "or", "unless", "atan2", "inf", "nan"];

    private static readonly HashSet<string> Functions =
    [
        "abs", "absent", "absent_over_time", "ceil", "changes", "clamp", "clamp_max", "clamp_min", "day_of_month", "day_of_week",
        "day_of_year", "days_in_month", "delta", "deriv", "exp", "floor", "histogram_avg", "histogram_count", "histogram_fraction",
        "histogram_quantile", "histogram_stddev", "histogram_stdvar", "histogram_sum", "double_exponential_smoothing", "hour",
        "idelta", "increase", "irate", "label_join", "label_replace", "ln", "log2", "log10", "minute", "month", "predict_linear",
        "rate", "resets", "round", "scalar", "sgn", "sort", "sort_desc", "sort_by_label", "sort_by_label_desc", "sqrt", "time",
        "timestamp", "vector", "year", "avg_over_time", "min_over_time", "max_over_time", "sum_over_time", "count_over_time",
        "quantile_over_time", "stddev_over_time", "stdvar_over_time", "last_over_time", "present_over_time", "mad_over_time",
        "acos", "acosh", "asin", "asinh", "atan", "atanh", "cos", "cosh", "sin", "sinh", "tan", "tanh", "deg", "pi", "rad",
        "start", "end",
    ];

    /// <exception cref="FormatException">The expression is not PromQL this tokenizer (and Prometheus) accepts.</exception>
    public static IReadOnlySet<string> Of(string expr) => new SortedSet<string>(Selectors(expr).Select(s => s.Metric), StringComparer.Ordinal);

    /// <summary>Each metric selector of the expression, in order.</summary>
    /// <exception cref="FormatException">The expression is not PromQL this tokenizer (and Prometheus) accepts.</exception>
    public static IReadOnlyList<Selector> Selectors(string expr)
    {
        var names = new List<Selector>();
        var parens = 0;
        for (var i = 0; i < expr.Length;)
        {
            char c = expr[i];
            if (char.IsWhiteSpace(c)) i++;
            else if (c is '"' or '\'' or '`') i = SkipString(expr, i);
            else if (c == '{') i = SkipTo(expr, i, '}');
            else if (c == '[') i = SkipTo(expr, i, ']');
            else if (c == '#') i = expr.IndexOf('\n', i) is var eol and >= 0 ? eol : expr.Length;
            else if (c == '$') i = SkipVariable(expr, i);
            else if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < expr.Length && char.IsAsciiDigit(expr[i + 1]))) i = SkipWhile(expr, i, char.IsAsciiLetterOrDigit, '.');
            else if (IsIdentifierStart(c)) i = Identifier(expr, i, names);
            else
            {
                parens += c == '(' ? 1 : c == ')' ? -1 : 0;
                if (parens < 0) throw new FormatException($"unbalanced ')' at {i} in: {expr}");
                i++;
            }
        }
        if (parens != 0) throw new FormatException($"unbalanced '(' in: {expr}");
        return names;
    }

    private static int Identifier(string expr, int start, List<Selector> names)
    {
        int end = SkipWhile(expr, start, ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or ':');
        var word = expr[start..end];
        int next = SkipWhile(expr, end, char.IsWhiteSpace);
        bool call = next < expr.Length && expr[next] == '(';
        if (LabelLists.Contains(word)) return call ? SkipTo(expr, next, ')') : end;
        if (Aggregations.Contains(word) || Keywords.Contains(word)) return end;
        if (call && !Functions.Contains(word)) throw new FormatException($"'{word}' is not a PromQL function, in: {expr}");
        if (call) return end;
        if (next < expr.Length && expr[next] == '{')
        {
            var (labels, after) = Matchers(expr, next);
            names.Add(new Selector(word, labels));
            return after;
        }
        names.Add(new Selector(word, []));
        return end;
    }

    /// <summary>The label names of the matchers in the braces at <paramref name="open"/>, and the index past them.</summary>
    private static (IReadOnlyList<string> Labels, int After) Matchers(string expr, int open)
    {
        var labels = new List<string>();
        for (int i = open + 1; i < expr.Length;)
        {
            char c = expr[i];
            if (c == '}') return (labels, i + 1);
            if (char.IsWhiteSpace(c) || c == ',') i++;
            else if (c is '"' or '\'' or '`') i = SkipString(expr, i);
            else if (IsIdentifierStart(c))
            {
                int end = SkipWhile(expr, i, ch => char.IsAsciiLetterOrDigit(ch) || ch == '_');
                labels.Add(expr[i..end]);
                i = end;
            }
            else if (c is '=' or '!' or '~') i++;
            else throw new FormatException($"unexpected '{c}' at {i} in the matchers of: {expr}");
        }
        throw new FormatException($"no '}}' closes the '{{' at {open} in: {expr}");
    }

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c is '_' or ':';

    private static int SkipWhile(string s, int i, Func<char, bool> predicate, char also = '\0')
    {
        while (i < s.Length && (predicate(s[i]) || (also != '\0' && s[i] == also))) i++;
        return i;
    }

    private static int SkipString(string s, int start)
    {
        char quote = s[start];
        for (int i = start + 1; i < s.Length; i++)
        {
            if (s[i] == '\\' && quote != '`') i++;
            else if (s[i] == quote) return i + 1;
        }
        throw new FormatException($"unterminated string at {start} in: {s}");
    }

    /// <summary>Past the bracket that closes the one at <paramref name="start"/>, skipping strings inside.</summary>
    private static int SkipTo(string s, int start, char close)
    {
        for (int i = start + 1; i < s.Length;)
        {
            if (s[i] is '"' or '\'' or '`') i = SkipString(s, i);
            else if (s[i] == close) return i + 1;
            else i++;
        }
        throw new FormatException($"no '{close}' closes the '{s[start]}' at {start} in: {s}");
    }

    /// <summary>Grafana's <c>$name</c>, <c>${name}</c> or <c>${name:format}</c>.</summary>
    private static int SkipVariable(string s, int start) =>
        start + 1 < s.Length && s[start + 1] == '{' ? SkipTo(s, start + 1, '}') : SkipWhile(s, start + 1, ch => char.IsAsciiLetterOrDigit(ch) || ch == '_');
}
