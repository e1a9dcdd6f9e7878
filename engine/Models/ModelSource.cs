using LlmOperator.Rules.Architecture;

namespace LlmOperator.Engine.Models;

/// <summary>
/// Resolves <c>--model</c> the way the rules expect it: a directory with a Hugging Face <c>config.json</c> (a mounted
/// checkpoint), else a catalog name. Every failure is a <see cref="ModelConfigException"/>, so start-up can map
/// them all to the ModelLoad exit code.
/// </summary>
public static class ModelSource
{
    public const string ConfigFileName = "config.json";

    public static ModelArchitecture Resolve(string model)
    {
        if (Directory.Exists(model))
            return ReadDirectory(model);
        return ModelCatalog.Find(model) ?? throw new ModelConfigException(
            $"model '{model}' is neither a directory containing {ConfigFileName} nor a catalog model " +
            $"(catalog: {string.Join(", ", ModelCatalog.Names)}).");
    }

    private static ModelArchitecture ReadDirectory(string directory)
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
        // The directory as given names the model, as vLLM does when --served-model-name is absent.
        return HuggingFaceConfigReader.Read(json, directory, path);
    }
}
