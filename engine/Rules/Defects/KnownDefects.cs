using System.Text.Json;
using System.Text.Json.Serialization;
using LlmOperator.Rules.Architecture;
using LlmOperator.Rules.Settings;

namespace LlmOperator.Rules.Defects;

/// <summary>One known defect of a runtime, as data (<c>Defects/known-defects.json</c>).</summary>
/// <param name="FixedIn">First release without the defect; releases before it are affected.</param>
/// <param name="Condition">Name of the predicate on the settings (see <see cref="KnownDefects.Applies"/>).</param>
/// <param name="Field">The resource field the finding names: the one to change.</param>
/// <param name="Message">Template with {placeholders} filled from the settings.</param>
public sealed record KnownDefect(
    string Id,
    string Runtime,
    string Family,
    string FixedIn,
    string Condition,
    string Field,
    string Message,
    string Fix,
    IReadOnlyList<string> References);

/// <summary>The known-defect table per runtime and version, and the predicates its entries name.</summary>
public static class KnownDefects
{
    private static readonly Lazy<IReadOnlyList<KnownDefect>> Table = new(Load);

    public static IReadOnlyList<KnownDefect> All => Table.Value;

    /// <summary>Entries for this runtime and model family whose fixing version is later than <paramref name="version"/>.</summary>
    public static IEnumerable<KnownDefect> For(EngineRuntime runtime, ModelFamily family, RuntimeVersion? version) =>
        All.Where(d => string.Equals(d.Runtime, runtime.ToString(), StringComparison.OrdinalIgnoreCase)
                       && string.Equals(d.Family, family.ToString(), StringComparison.OrdinalIgnoreCase)
                       && (version is null || version.CompareTo(RuntimeVersion.Parse(d.FixedIn)) < 0));

    /// <summary>Whether the defect's condition holds for this model and settings.</summary>
    public static bool Applies(KnownDefect defect, ModelArchitecture model, EngineSettings settings, long maxModelLen) =>
        defect.Condition switch
        {
            "always" => true,
            // Unfixed vLLM reads C/B block-table columns per chunk; the row has cdiv(maxModelLen, B).
            "chunked-attention-misaligned" => model.AttentionChunkSize is { } c
                                              && RoundUp(maxModelLen, settings.BlockSize) % c != 0,
            _ => throw new InvalidOperationException($"known-defects.json: entry '{defect.Id}' names unknown condition '{defect.Condition}'."),
        };

    /// <summary>Fills the {placeholders} of a message or fix template.</summary>
    public static string Render(string template, ModelArchitecture model, EngineSettings settings, long maxModelLen, string version)
    {
        long chunk = model.AttentionChunkSize ?? 0;
        long rounded = RoundUp(maxModelLen, settings.BlockSize);
        long safe = chunk == 0 ? 0 : chunk * (rounded / chunk);
        var values = new Dictionary<string, string>
        {
            ["version"] = version,
            ["model"] = model.Name,
            ["maxModelLen"] = maxModelLen.ToString("N0"),
            ["blockSize"] = settings.BlockSize.ToString(),
            ["roundedLen"] = rounded.ToString("N0"),
            ["chunk"] = chunk.ToString("N0"),
            ["tableWidth"] = (rounded / settings.BlockSize).ToString("N0"),
            ["safeLen"] = (safe + 1).ToString("N0"),
            ["suggestedLen"] = (chunk == 0 ? 0 : RoundUp(maxModelLen, (int)chunk)).ToString("N0"),
        };
        return values.Aggregate(template, (t, kv) => t.Replace("{" + kv.Key + "}", kv.Value, StringComparison.Ordinal));
    }

    internal static long RoundUp(long value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private static IReadOnlyList<KnownDefect> Load()
    {
        using var stream = typeof(KnownDefects).Assembly.GetManifestResourceStream("defects/known-defects.json")!;
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
        return JsonSerializer.Deserialize<List<KnownDefect>>(stream, options)!;
    }
}
