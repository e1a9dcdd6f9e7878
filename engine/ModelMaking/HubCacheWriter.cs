using System.Security.Cryptography;
using System.Text;
using LlmOperator.Engine.Models;

namespace LlmOperator.Engine.ModelMaking;

/// <summary>
/// Puts a checkpoint folder into a Hugging Face hub cache as huggingface_hub's download does: each file's content once
/// under <c>blobs/SHA256</c>, the revision's tree as relative links under <c>snapshots/COMMIT/</c>, and <c>refs/main</c>
/// naming COMMIT. COMMIT (40 hex digits, as a git commit) hashes the tree (file names and content hashes), so the same model gives
/// the same revision. Where links cannot be made the files are copied, as huggingface_hub does on such file systems.
/// </summary>
public static class HubCacheWriter
{
    /// <summary>Moves the files of <paramref name="source"/> into the cache and returns the snapshot's paths.</summary>
    public static IReadOnlyList<string> Publish(string source, string cache, string repoId)
    {
        if (!HuggingFaceHubCache.IsRepoId(repoId))
            throw new ArgumentException($"--name '{repoId}' is not a Hugging Face repository id: use ORG/NAME of letters, digits, '-', '_' and '.'.");
        string repository = HuggingFaceHubCache.RepositoryFolder(cache, repoId);
        string blobs = Directory.CreateDirectory(Path.Combine(repository, "blobs")).FullName;
        var tree = Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories)
            .Select(file => (Relative: Path.GetRelativePath(source, file).Replace('\\', '/'), Hash: Sha256(file), Path: file))
            .OrderBy(f => f.Relative, StringComparer.Ordinal)
            .ToList();
        string commit = CommitOf(tree.Select(f => (f.Relative, f.Hash)));
        string snapshot = Path.Combine(repository, "snapshots", commit);
        var written = new List<string>();
        foreach (var (relative, hash, path) in tree)
        {
            string blob = Path.Combine(blobs, hash);
            if (File.Exists(blob)) File.Delete(path);
            else File.Move(path, blob);
            string target = Path.Combine(snapshot, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (File.Exists(target) || Directory.Exists(target)) File.Delete(target);
            Link(target, blob);
            written.Add(target);
        }
        string refs = Directory.CreateDirectory(Path.Combine(repository, "refs")).FullName;
        // Written last, so that a reader never follows refs/main into a half-written snapshot.
        string mainRef = Path.Combine(refs, HuggingFaceHubCache.MainRef);
        File.WriteAllText(mainRef + ".tmp", commit);
        File.Move(mainRef + ".tmp", mainRef, overwrite: true);
        return written;
    }

    private static void Link(string target, string blob)
    {
        try
        {
            File.CreateSymbolicLink(target, Path.GetRelativePath(Path.GetDirectoryName(target)!, blob));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            File.Copy(blob, target, overwrite: true);
        }
    }

    private static string Sha256(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static string CommitOf(IEnumerable<(string Relative, string Hash)> tree)
    {
        var text = new StringBuilder();
        foreach (var (relative, hash) in tree) text.Append(relative).Append('\0').Append(hash).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())).AsSpan(0, 20));
    }
}
