using System.Text;
using System.Text.RegularExpressions;

namespace LlmOperator.Operator.Tests.Failures;

/// <summary>
/// The genuine failure logs of Fixtures/gpu-failure-texts.md (a copy of the CEO's reference, with its sources), as
/// sample id → the text of its code blocks. Samples without a code block (notes only) are left out.
/// </summary>
internal static partial class FailureTextSamples
{
    public static IReadOnlyDictionary<string, string> All { get; } = Load();

    private static Dictionary<string, string> Load()
    {
        var path = RepositoryPaths.Of("tests", "Operator.Tests", "Failures", "Fixtures", "gpu-failure-texts.md");
        var samples = new Dictionary<string, string>();
        string? id = null;
        var text = new StringBuilder();
        bool inCode = false;
        foreach (var line in File.ReadLines(path))
        {
            if (!inCode && line.StartsWith("##", StringComparison.Ordinal))
            {
                Flush(samples, id, text);
                var header = Header().Match(line);
                id = header.Success ? header.Groups[1].Value : null;
                continue;
            }
            if (line.StartsWith("```", StringComparison.Ordinal)) { inCode = !inCode; continue; }
            if (inCode && id is not null) text.AppendLine(line);
        }
        Flush(samples, id, text);
        return samples;
    }

    private static void Flush(Dictionary<string, string> samples, string? id, StringBuilder text)
    {
        if (id is not null && text.Length > 0) samples[id] = text.ToString();
        text.Clear();
    }

    [GeneratedRegex(@"^### ([A-Z]\d\d) ")]
    private static partial Regex Header();
}
