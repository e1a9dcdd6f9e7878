using LlmOperator.Engine.Models;
using LlmOperator.Engine.Tests.Weights;
using LlmOperator.Rules.Architecture;

namespace LlmOperator.Engine.Tests.Models;

/// <summary>The hub cache's location and layout as huggingface_hub writes it and transformers/vLLM read it offline.</summary>
public sealed class HuggingFaceHubCacheTests
{
    private static readonly string Home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    [Theory]
    [InlineData("/cache/hub", "/hf", "/xdg", "/cache/hub")]
    [InlineData(null, "/hf", "/xdg", "/hf/hub")]
    [InlineData("", "/hf", null, "/hf/hub")]
    [InlineData(null, null, "/xdg", "/xdg/huggingface/hub")]
    public void Location_Should_FollowHuggingFaceHubsPrecedence_When_VariablesAreSet(string? hubCache, string? hfHome, string? xdg, string expected)
    {
        var env = new Dictionary<string, string?> { ["HF_HUB_CACHE"] = hubCache, ["HF_HOME"] = hfHome, ["XDG_CACHE_HOME"] = xdg };

        Assert.Equal(expected, HuggingFaceHubCache.Location(name => env.GetValueOrDefault(name)));
    }

    [Fact]
    public void Location_Should_BeUnderTheHomeCache_When_NothingIsSet()
    {
        Assert.Equal(Path.Combine(Home, ".cache", "huggingface", "hub"), HuggingFaceHubCache.Location(_ => null));
        Assert.Equal(Path.Combine(Home, "hf", "hub"), HuggingFaceHubCache.Location(n => n == "HF_HOME" ? "~/hf" : null));
    }

    [Theory]
    [InlineData("meta-llama/Llama-4-Scout-17B-16E-Instruct", true)]
    [InlineData("llmoperator/tiny-llama4", true)]
    [InlineData("gpt2", true)]
    [InlineData("/models/scout", false)]
    [InlineData("org/sub/name", false)]
    [InlineData("org--x/name", false)]
    [InlineData("org/na..me", false)]
    [InlineData("has space/name", false)]
    public void IsRepoId_Should_AcceptOnlyHubIds_When_GivenModelArguments(string model, bool expected) =>
        Assert.Equal(expected, HuggingFaceHubCache.IsRepoId(model));

    [Fact]
    public void FindSnapshot_Should_ReturnTheRevisionRefsMainNames_When_SeveralSnapshotsExist()
    {
        using var cache = new TempDirectory();
        string repo = Snapshot(cache.Path, "org/model", "aaa");
        Snapshot(cache.Path, "org/model", "bbb");
        Directory.CreateDirectory(Path.Combine(repo, "refs"));
        File.WriteAllText(Path.Combine(repo, "refs", "main"), "bbb\n");

        Assert.Equal(Path.Combine(repo, "snapshots", "bbb"), HuggingFaceHubCache.FindSnapshot(cache.Path, "org/model"));
    }

    [Fact]
    public void FindSnapshot_Should_ReturnTheOnlySnapshot_When_ThereIsNoRef()
    {
        using var cache = new TempDirectory();
        string repo = Snapshot(cache.Path, "org/model", "abc");

        Assert.Equal(Path.Combine(repo, "snapshots", "abc"), HuggingFaceHubCache.FindSnapshot(cache.Path, "org/model"));
        Assert.Equal(Path.Combine(cache.Path, "models--org--model"), repo);
    }

    [Fact]
    public void FindSnapshot_Should_ReturnNull_When_TheModelIsNotCached()
    {
        using var cache = new TempDirectory();
        Snapshot(cache.Path, "org/other", "abc");

        Assert.Null(HuggingFaceHubCache.FindSnapshot(cache.Path, "org/model"));
        Assert.Null(HuggingFaceHubCache.FindSnapshot(Path.Combine(cache.Path, "missing"), "org/model"));
    }

    [Fact]
    public void FindSnapshot_Should_NameTheSnapshotsAndTheFix_When_SeveralExistWithoutRefsMain()
    {
        using var cache = new TempDirectory();
        Snapshot(cache.Path, "org/model", "bbb");
        Snapshot(cache.Path, "org/model", "aaa");

        var e = Assert.Throws<ModelConfigException>(() => HuggingFaceHubCache.FindSnapshot(cache.Path, "org/model"));

        Assert.Contains("2 snapshots (aaa, bbb)", e.Message);
        Assert.Contains("Fix: pass the snapshot's directory to --model", e.Message);
    }

    [Fact]
    public void FindSnapshot_Should_SayTheCacheIsIncomplete_When_RefsMainNamesAMissingSnapshot()
    {
        using var cache = new TempDirectory();
        string repo = Snapshot(cache.Path, "org/model", "aaa");
        Directory.CreateDirectory(Path.Combine(repo, "refs"));
        File.WriteAllText(Path.Combine(repo, "refs", "main"), "ccc");

        var e = Assert.Throws<ModelConfigException>(() => HuggingFaceHubCache.FindSnapshot(cache.Path, "org/model"));

        Assert.Contains("names revision 'ccc'", e.Message);
        Assert.Contains("incomplete", e.Message);
    }

    private static string Snapshot(string cache, string repoId, string commit)
    {
        string repo = HuggingFaceHubCache.RepositoryFolder(cache, repoId);
        Directory.CreateDirectory(Path.Combine(repo, "snapshots", commit));
        return repo;
    }
}
