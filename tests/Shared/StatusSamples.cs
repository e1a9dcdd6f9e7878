using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmOperator.Tests.Shared;

/// <summary>
/// Saves the ModelDeployment objects a cluster test observes at its key moments (created, progressing, Ready, rolled
/// back, stalled, a spec not yet observed) as the API server returned them, into the folder that
/// <c>LLMOP_STATUS_SAMPLES_DIR</c> names; does nothing when it is unset. The saved files are the fixtures of the
/// GitOps tests (tests/Charts.Tests/GitOps/Samples): Argo CD's and kstatus's verdicts are checked against what the
/// operator really writes, not against hand-written statuses.
/// </summary>
public static class StatusSamples
{
    public const string Variable = "LLMOP_STATUS_SAMPLES_DIR";

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        // Messages stay readable ("revision's", not "revision\u0027s"); the files are read back as JSON, never as HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The folder to save into, or null when sampling is off.</summary>
    public static string? Folder => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } folder ? folder : null;

    /// <summary>Writes NAME.json (managedFields stripped: they record who wrote what, not the status).</summary>
    public static void Save(string name, JsonNode obj)
    {
        if (Folder is not { } folder) return;
        var copy = obj.DeepClone();
        copy["metadata"]?.AsObject().Remove("managedFields");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, name + ".json"), copy.ToJsonString(Indented) + "\n");
    }
}
