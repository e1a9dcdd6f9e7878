using System.CommandLine;
using LlmOperator.Engine.ModelMaking;
using LlmOperator.Engine.Tests.Weights;
using LlmOperator.Engine.Tokenization;
using LlmOperator.Engine.Weights;
using LlmOperator.Rules.Architecture;
using TorchSharp;

namespace LlmOperator.Engine.Tests.ModelMaking;

/// <summary>make-model writes a Hugging Face model directory that the rules, the checkpoint and the tokenizer load.</summary>
public sealed class MakeModelTests
{
    [Theory]
    [InlineData("tiny-llama4", "llmoperator/tiny-llama4")]
    [InlineData("tiny-llama", "llmoperator/tiny-llama")]
    public void Make_Should_WriteConfigWithCatalogArchitecture_When_PresetIsTiny(string preset, string catalogName)
    {
        using var dir = new TempDirectory();
        Make(dir.Path, preset);

        using var checkpoint = Checkpoint.Open(dir.Path);

        var expected = ModelCatalog.Find(catalogName)!;
        Assert.Equal(expected with { Name = dir.Path }, checkpoint.Config!.Architecture);
    }

    [Fact]
    public void Make_Should_WriteConditionalGenerationTensors_When_PresetIsTinyLlama4()
    {
        using var dir = new TempDirectory();
        Make(dir.Path, "tiny-llama4");

        using var checkpoint = Checkpoint.Open(dir.Path);
        using var raw = SafetensorsFile.Open(dir.File("model.safetensors"));

        Assert.Equal("Llama4ForConditionalGeneration", checkpoint.Config!.ArchitectureClass);
        Assert.All(raw.Entries, e => Assert.StartsWith("language_model.", e.Name));
        // HF Llama4TextConfig: moe_layers = range(step - 1, layers, step) = [1, 3] for step 2.
        foreach (int layer in new[] { 1, 3 })
        {
            string ff = $"model.layers.{layer}.feed_forward.";
            Assert.Equal(new long[] { 4, 64, 256 }, checkpoint.Info(ff + "experts.gate_up_proj").Shape);
            Assert.Equal(new long[] { 4, 128, 64 }, checkpoint.Info(ff + "experts.down_proj").Shape);
            Assert.Equal(new long[] { 4, 64 }, checkpoint.Info(ff + "router.weight").Shape);
            Assert.Equal(new long[] { 128, 64 }, checkpoint.Info(ff + "shared_expert.gate_proj.weight").Shape);
            Assert.Equal(new long[] { 64, 128 }, checkpoint.Info(ff + "shared_expert.down_proj.weight").Shape);
        }
        foreach (int layer in new[] { 0, 2 })
        {
            Assert.Equal(new long[] { 256, 64 }, checkpoint.Info($"model.layers.{layer}.feed_forward.up_proj.weight").Shape);
            Assert.False(checkpoint.Contains($"model.layers.{layer}.feed_forward.router.weight"));
        }
        Assert.Equal(new long[] { 32, 64 }, checkpoint.Info("model.layers.0.self_attn.k_proj.weight").Shape);
        Assert.Equal(new long[] { 512, 64 }, checkpoint.Info("lm_head.weight").Shape);
        Assert.Equal(2 * 9 + 2 * 12 + 3, checkpoint.TensorNames.Count); // dense 9 tensors, MoE 12, plus 3
    }

    [Fact]
    public void Make_Should_WriteLlamaMlpKeys_When_PresetIsTinyLlama()
    {
        using var dir = new TempDirectory();
        Make(dir.Path, "tiny-llama");

        using var checkpoint = Checkpoint.Open(dir.Path);

        Assert.Equal(new long[] { 128, 64 }, checkpoint.Info("model.layers.1.mlp.gate_proj.weight").Shape);
        Assert.Equal(new long[] { 64, 128 }, checkpoint.Info("model.layers.1.mlp.down_proj.weight").Shape);
        Assert.Equal(2 * 9 + 3, checkpoint.TensorNames.Count);
    }

    [Fact]
    public void Make_Should_WriteSameWeights_When_SeedDtypeOrShardsAreRepeatedOrChanged()
    {
        using var a = new TempDirectory();
        using var b = new TempDirectory();
        using var c = new TempDirectory();
        using var d = new TempDirectory();
        Make(a.Path, "tiny-llama4", "--seed", "5");
        Make(b.Path, "tiny-llama4", "--seed", "5", "--shards", "3");
        Make(c.Path, "tiny-llama4", "--seed", "6");
        Make(d.Path, "tiny-llama4", "--seed", "5", "--dtype", "bf16");
        using var single = Checkpoint.Open(a.Path);
        using var sharded = Checkpoint.Open(b.Path);
        using var other = Checkpoint.Open(c.Path);
        using var bf16 = Checkpoint.Open(d.Path);

        Assert.True(File.Exists(b.File(ShardIndex.FileName)));
        foreach (string name in single.TensorNames)
        {
            using var x = single.Read(name);
            using var y = sharded.Read(name);
            using var z = other.Read(name);
            using var w = bf16.Read(name);
            Assert.True(x.eq(y).all().item<bool>(), name);
            Assert.False(x.eq(z).all().item<bool>(), name);
            Assert.True(x.to_type(torch.ScalarType.BFloat16).to_type(torch.ScalarType.Float32).eq(w).all().item<bool>(), name);
        }
        Assert.Equal("BF16", bf16.Info("lm_head.weight").Dtype);
        Assert.Equal("bfloat16", bf16.Config!.Architecture.TorchDtype);
    }

    [Fact]
    public void Make_Should_ScaleWeightsAsDocumented_When_WritingRandomWeights()
    {
        using var dir = new TempDirectory();
        Make(dir.Path, "tiny-llama4");
        using var checkpoint = Checkpoint.Open(dir.Path);

        using var embed = checkpoint.Read("model.embed_tokens.weight");
        using var q = checkpoint.Read("model.layers.0.self_attn.q_proj.weight");
        using var norm = checkpoint.Read("model.layers.0.input_layernorm.weight");

        Assert.InRange(embed.std().item<float>(), 0.9f, 1.1f);
        Assert.InRange(q.std().item<float>(), 0.8f / 8, 1.2f / 8); // 1/sqrt(64)
        Assert.InRange(norm.mean().item<float>(), 0.95f, 1.05f);
        Assert.True(norm.std().item<float>() > 0.05f, "norm weights must not all be 1");
    }

    [Fact]
    public void Make_Should_WriteTokenizerMatchingConfig_When_PresetIsTinyLlama4()
    {
        using var dir = new TempDirectory();
        Make(dir.Path, "tiny-llama4");

        var tokenizer = TextTokenizer.Load(dir.Path);
        using var checkpoint = Checkpoint.Open(dir.Path);

        Assert.Equal(checkpoint.Config!.Architecture.VocabSize, tokenizer.VocabSize);
        Assert.Equal(tokenizer.SpecialTokens["<|begin_of_text|>"], tokenizer.BosTokenId);
        Assert.Equal("hello world", tokenizer.Decode(tokenizer.Encode("hello world", addBos: true)));
    }

    [Fact]
    public void Make_Should_OverrideChunkAndPositions_When_FlagsAreGiven()
    {
        using var dir = new TempDirectory();
        Make(dir.Path, "tiny-llama4", "--attention-chunk-size", "16", "--max-position-embeddings", "20000");

        using var checkpoint = Checkpoint.Open(dir.Path);

        Assert.Equal(16, checkpoint.Config!.Architecture.AttentionChunkSize);
        Assert.Equal(20000, checkpoint.Config.Architecture.MaxPositionEmbeddings);
    }

    [Theory]
    [InlineData("--preset", "tiny-llama", "--attention-chunk-size", "16")]
    [InlineData("--preset", "tiny-llama4", "--attention-chunk-size", "0")]
    [InlineData("--preset", "tiny-llama4", "--shards", "0")]
    [InlineData("--preset", "tiny-llama4", "--shards", "46")]
    public void MakeModel_Should_ExitWithUsageAndWriteNothing_When_OverridesDoNotFitPreset(params string[] flags)
    {
        using var dir = new TempDirectory();

        int exit = Run(["make-model", "--out", dir.Path, .. flags]);

        Assert.Equal(2, exit);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Theory]
    [InlineData("--preset", "no-such-preset")]
    [InlineData("--dtype", "f8")]
    [InlineData("--seed", "x")]
    public void MakeModel_Should_ReportParseError_When_FlagValueIsNotAccepted(params string[] flags)
    {
        var root = new RootCommand { MakeModelCommand.Create() };

        var result = root.Parse(["make-model", "--out", "/tmp/x", .. flags]);

        Assert.NotEmpty(result.Errors);
    }

    [Theory]
    [InlineData("bench-llama4")]
    [InlineData("bench-llama")]
    public void BenchPresets_Should_HaveAbout100MParameters_When_ConfigIsRead(string preset)
    {
        using var dir = new TempDirectory();
        var spec = ModelPresets.Find(preset);
        string path = dir.File("config.json");
        HuggingFaceConfigWriter.WriteConfig(path, spec, "F32", new SpecialTokenIds(31989, [31990], 31999));

        var architecture = HuggingFaceConfigReader.Read(File.ReadAllText(path), preset, path);

        Assert.InRange(architecture.ParameterCount, 90_000_000, 130_000_000);
        Assert.Equal(32000, architecture.VocabSize);
    }

    private static void Make(string directory, string preset, params string[] flags) =>
        Assert.Equal(0, Run(["make-model", "--out", directory, "--preset", preset, .. flags]));

    private static int Run(string[] args)
    {
        var root = new RootCommand { MakeModelCommand.Create() };
        return root.Parse(args).Invoke();
    }
}
