using System.Text.RegularExpressions;
using LlmOperator.Rules.Architecture;

namespace LlmOperator.Engine.Models;

/// <summary>
/// Reads the Hugging Face hub cache the way transformers and vLLM do offline (huggingface_hub's layout):
/// <c>CACHE/models--ORG--NAME/refs/main</c> holds a commit, <c>snapshots/COMMIT/</c> the checkpoint's files (links to
/// <c>blobs/</c>). The cache is <c>$HF_HUB_CACHE</c>, else <c>$HF_HOME/hub</c>, else
/// <c>$XDG_CACHE_HOME/huggingface/hub</c>, else <c>~/.cache/huggingface/hub</c>. The engine never downloads: what is
/// not in the cache must be mounted (in Kubernetes: a PVC, or the node's cache as a hostPath).
/// </summary>
public static partial class HuggingFaceHubCache
{
    public const string HubCacheVariable = "HF_HUB_CACHE";
    public const string HomeVariable = "HF_HOME";
    public const string MainRef = "main";

    /// <summary>The cache folder the environment selects (it need not exist).</summary>
    /// <param name="environment">Reads a variable; the process environment when null (tests pass their own).</param>
    public static string Location(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (NonEmpty(environment(HubCacheVariable)) is { } hub) return ExpandHome(hub);
        if (NonEmpty(environment(HomeVariable)) is { } home) return Path.Combine(ExpandHome(home), "hub");
        string cacheHome = NonEmpty(environment("XDG_CACHE_HOME")) is { } xdg
            ? ExpandHome(xdg)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cacheHome, "huggingface", "hub");
    }

    /// <summary>Whether <paramref name="model"/> is a hub repository id (<c>NAME</c> or <c>ORG/NAME</c>), by huggingface_hub's rules.</summary>
    public static bool IsRepoId(string model) =>
        RepoIdPattern().IsMatch(model) && !model.Contains("--", StringComparison.Ordinal) && !model.Contains("..", StringComparison.Ordinal)
        && !model.EndsWith(".git", StringComparison.Ordinal);

    /// <summary>The repository's folder in the cache: <c>CACHE/models--ORG--NAME</c>.</summary>
    public static string RepositoryFolder(string cache, string repoId) => Path.Combine(cache, "models--" + repoId.Replace("/", "--", StringComparison.Ordinal));

    /// <summary>Where <paramref name="repoId"/>'s snapshots would be, for messages.</summary>
    public static string SnapshotsFolder(string cache, string repoId) => Path.Combine(RepositoryFolder(cache, repoId), "snapshots");

    /// <summary>
    /// The snapshot to load: the one <c>refs/main</c> names, else the only one. Null when the repository has no
    /// snapshot in the cache; a <see cref="ModelConfigException"/> when the cache cannot say which one (several
    /// snapshots and no refs/main) or refs/main names a snapshot that is not there.
    /// </summary>
    public static string? FindSnapshot(string cache, string repoId)
    {
        string snapshots = SnapshotsFolder(cache, repoId);
        if (!Directory.Exists(snapshots)) return null;
        string mainRef = Path.Combine(RepositoryFolder(cache, repoId), "refs", MainRef);
        if (File.Exists(mainRef))
        {
            string commit = File.ReadAllText(mainRef).Trim();
            string named = Path.Combine(snapshots, commit);
            return Directory.Exists(named) ? named : throw new ModelConfigException(
                $"{mainRef} names revision '{commit}', but {named} does not exist: the Hugging Face cache is incomplete. " +
                $"Fix: download '{repoId}' into the cache again, or delete {RepositoryFolder(cache, repoId)}.");
        }
        var all = Directory.GetDirectories(snapshots);
        return all.Length switch
        {
            0 => null,
            1 => all[0],
            _ => throw new ModelConfigException(
                $"{snapshots} holds {all.Length} snapshots ({string.Join(", ", all.Select(Path.GetFileName).Order())}) and no refs/{MainRef} to choose one. " +
                "Fix: pass the snapshot's directory to --model, or write the wanted revision into refs/main."),
        };
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal)
            ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + path[1..]
            : path;

    // huggingface_hub's validate_repo_id: an optional namespace, then a name, of word characters, '-' and '.'.
    [GeneratedRegex(@"^(\b[\w\-.]+\b/)?\b[\w\-.]{1,96}\b$")]
    private static partial Regex RepoIdPattern();
}
