using LlmOperator.Rules.Architecture;

namespace LlmOperator.Engine.Models;

/// <summary>
/// Resolves <c>--model</c> the way the rules and vLLM expect it: a directory with a Hugging Face <c>config.json</c> (a
/// mounted checkpoint); else a hub id (<c>ORG/NAME</c>) found in the Hugging Face cache
/// (<see cref="HuggingFaceHubCache"/>); else a catalog name, which carries a config but no weights. Every failure is a
/// <see cref="ModelConfigException"/>, so start-up can map them all to the ModelLoad exit code.
/// </summary>
public static class ModelSource
{
    public const string ConfigFileName = "config.json";

    public static ModelArchitecture Resolve(string model)
    {
        if (Directory.Exists(model))
            return ReadDirectory(model, model);
        // The cached checkpoint's own config wins over the catalog's copy of it: it is what will be loaded.
        if (FindCached(model) is { } snapshot)
            return ReadDirectory(snapshot, model);
        return ModelCatalog.Find(model) ?? throw new ModelConfigException(
            $"model '{model}' is neither a directory containing {ConfigFileName}, nor in the Hugging Face cache " +
            $"({CacheNote(model)}), nor a catalog model (catalog: {string.Join(", ", ModelCatalog.Names)}).");
    }

    /// <summary>The folder with the weights: <paramref name="model"/> itself, or its Hugging Face cache snapshot; null when neither exists.</summary>
    public static string? CheckpointDirectory(string model) => Directory.Exists(model) ? model : FindCached(model);

    /// <summary>The snapshot of hub id <paramref name="model"/> in the cache the environment names, or null.</summary>
    public static string? FindCached(string model) =>
        HuggingFaceHubCache.IsRepoId(model) ? HuggingFaceHubCache.FindSnapshot(HuggingFaceHubCache.Location(), model) : null;

    /// <summary>Where the cache was looked in, for messages: the snapshots folder of a hub id, or why it was not.</summary>
    public static string CacheNote(string model) => HuggingFaceHubCache.IsRepoId(model)
        ? $"looked in {HuggingFaceHubCache.SnapshotsFolder(HuggingFaceHubCache.Location(), model)}; the cache is " +
          $"${HuggingFaceHubCache.HubCacheVariable}, else ${HuggingFaceHubCache.HomeVariable}/hub, else ~/.cache/huggingface/hub"
        : "not a hub id such as ORG/NAME";

    private static ModelArchitecture ReadDirectory(string directory, string name)
    {
        string path = Path.Combine(directory, ConfigFileName);
        if (!File.Exists(path))
            throw new ModelConfigException($"{directory}: the model directory has no {ConfigFileName}.");
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelConfigException($"{path}: cannot be read: {e.Message}");
        }
        // The model as given names it (the directory, or the hub id), as vLLM does when --served-model-name is absent.
        return HuggingFaceConfigReader.Read(json, name, path);
    }
}
