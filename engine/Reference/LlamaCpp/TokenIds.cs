namespace LlmOperator.Engine.Reference.LlamaCpp;

/// <summary>Token ids on a command line: integers separated by spaces and/or commas ("1 2 3", "1,2,3").</summary>
public static class TokenIds
{
    public static int[] Parse(string text, string flag)
    {
        string[] parts = text.Split([' ', ',', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
            throw new FormatException($"{flag} is empty; give token ids such as \"1 2 3\".");
        var ids = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], out ids[i]) || ids[i] < 0)
                throw new FormatException($"{flag}: '{parts[i]}' (item {i}) is not a non-negative integer token id.");
        }
        return ids;
    }

    public static string Format(IEnumerable<int> ids) => string.Join(' ', ids);
}
