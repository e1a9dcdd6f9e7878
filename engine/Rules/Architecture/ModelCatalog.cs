using System.Reflection;

namespace LlmOperator.Rules.Architecture;

/// <summary>
/// Built-in models: the real config.json of each (text part), embedded from <c>Catalog/</c>, keyed by Hugging Face
/// id (<c>meta-llama/Llama-4-Scout-17B-16E-Instruct</c>) and by the bare name (<c>Llama-4-Scout-17B-16E-Instruct</c>),
/// case-insensitively.
/// </summary>
public static class ModelCatalog
{
    private const string Prefix = "catalog/";
    private static readonly Lazy<IReadOnlyDictionary<string, ModelArchitecture>> Models = new(Load);

    /// <summary>The Hugging Face ids of every catalog model.</summary>
    public static IReadOnlyList<string> Names =>
        Models.Value.Values.Select(m => m.Name).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>The model named <paramref name="name"/>, or null when the catalog lacks it.</summary>
    public static ModelArchitecture? Find(string name) =>
        Models.Value.TryGetValue(name.Trim(), out var model) ? model : null;

    private static IReadOnlyDictionary<string, ModelArchitecture> Load()
    {
        var assembly = typeof(ModelCatalog).Assembly;
        var models = new Dictionary<string, ModelArchitecture>(StringComparer.OrdinalIgnoreCase);
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            // File names spell the Hugging Face id with "--" for "/", as the HF cache does.
            string id = resource[Prefix.Length..^".json".Length].Replace("--", "/", StringComparison.Ordinal);
            var model = HuggingFaceConfigReader.Read(ReadResource(assembly, resource), id, $"catalog:{id}");
            models[id] = model;
            models[id[(id.IndexOf('/') + 1)..]] = model;
        }
        return models;
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
