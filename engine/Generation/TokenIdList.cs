using System.Globalization;

namespace LlmOperator.Engine.Generation;

/// <summary>Parses <c>--token-ids</c>: non-negative integers separated by spaces and/or commas.</summary>
internal static class TokenIdList
{
    /// <summary>Null on success (ids set; null when <paramref name="text"/> is null), else what is wrong.</summary>
    public static string? TryParse(string? text, out IReadOnlyList<int>? ids)
    {
        ids = null;
        if (text is null) return null;
        var parts = text.Split([' ', ',', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) return "no token ids given.";
        var parsed = new List<int>(parts.Length);
        foreach (string part in parts)
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int id))
                return $"'{part}' is not a token id (a non-negative integer).";
            parsed.Add(id);
        }
        ids = parsed;
        return null;
    }
}
