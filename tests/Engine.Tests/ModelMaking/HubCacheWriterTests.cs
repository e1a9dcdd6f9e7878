using LlmOperator.Engine.ModelMaking;
using LlmOperator.Engine.Models;
using LlmOperator.Engine.Tests.Weights;
using LlmOperator.Engine.Weights;

namespace LlmOperator.Engine.Tests.ModelMaking;

/// <summary><c>make-model --hf-cache</c>: the model lands in huggingface_hub's layout, where serve's lookup finds it.</summary>
public sealed class HubCacheWriterTests
{
    private static MakeModelRequest Tiny(int seed = 1) => new("", ModelPresets.TinyLlama, seed, "F32", Shards: 1);

    [Fact]
    public void MakeIntoCache_Should_WriteBlobsSnapshotLinksAndRefsMain_When_GivenAHubId()
    {
        using var cache = new TempDirectory();

        var files = MakeModelCommand.MakeIntoCache(Tiny(), cache.Path, "acme/tiny");

        string repo = Path.Combine(cache.Path, "models--acme--tiny");
        string commit = File.ReadAllText(Path.Combine(repo, "refs", "main"));
        Assert.Matches("^[0-9a-f]{40}$", commit);
        string snapshot = Path.Combine(repo, "snapshots", commit);
        Assert.Equal(snapshot, HuggingFaceHubCache.FindSnapshot(cache.Path, "acme/tiny"));
        Assert.Contains(Path.Combine(snapshot, "config.json"), files);
        var link = new FileInfo(Path.Combine(snapshot, "model.safetensors"));
        Assert.NotNull(link.LinkTarget);
        Assert.StartsWith("../../blobs/", link.LinkTarget.Replace('\\', '/'));
        Assert.Equal(Directory.GetFiles(snapshot).Length, Directory.GetFiles(Path.Combine(repo, "blobs")).Length);
        Assert.Empty(Directory.GetDirectories(cache.Path, ".make-model-*"));
        using var checkpoint = Checkpoint.Open(snapshot);
        Assert.Equal("LlamaForCausalLM", checkpoint.Config!.ArchitectureClass);
    }

    [Fact]
    public void MakeIntoCache_Should_KeepTheRevision_When_TheSameModelIsMadeAgain()
    {
        using var cache = new TempDirectory();
        MakeModelCommand.MakeIntoCache(Tiny(), cache.Path, "acme/tiny");
        string first = File.ReadAllText(Path.Combine(cache.Path, "models--acme--tiny", "refs", "main"));

        MakeModelCommand.MakeIntoCache(Tiny(), cache.Path, "acme/tiny");
        MakeModelCommand.MakeIntoCache(Tiny(seed: 2), cache.Path, "acme/tiny");

        string repo = Path.Combine(cache.Path, "models--acme--tiny");
        string last = File.ReadAllText(Path.Combine(repo, "refs", "main"));
        Assert.NotEqual(first, last);
        Assert.Equal(2, Directory.GetDirectories(Path.Combine(repo, "snapshots")).Length);
        Assert.Empty(Directory.GetDirectories(cache.Path, ".make-model-*"));
    }

    [Fact]
    public void MakeIntoCache_Should_RefuseANameThatIsNoHubId_When_ItHasTwoSlashes()
    {
        using var cache = new TempDirectory();

        var e = Assert.Throws<ArgumentException>(() => MakeModelCommand.MakeIntoCache(Tiny(), cache.Path, "a/b/c"));

        Assert.Contains("--name 'a/b/c' is not a Hugging Face repository id", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(cache.Path));
    }
}
