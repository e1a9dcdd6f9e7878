using LlmOperator.Engine.Weights;
using TorchSharp;

namespace LlmOperator.Engine.Tests.Weights;

/// <summary>What the writer stores, the checkpoint reads back: every dtype, one file or shards with an index.</summary>
public sealed class SafetensorsRoundTripTests
{
    private static readonly (string Name, long[] Shape)[] Shapes =
    [
        ("model.embed_tokens.weight", [16, 8]),
        ("model.layers.0.self_attn.q_proj.weight", [8, 8]),
        ("model.layers.0.feed_forward.experts.gate_up_proj", [2, 8, 6]),
        ("model.norm.weight", [8]),
        ("lm_head.weight", [16, 8]),
    ];

    [Theory]
    [InlineData("F32", 1)]
    [InlineData("F16", 1)]
    [InlineData("BF16", 1)]
    [InlineData("F32", 3)]
    [InlineData("BF16", 3)]
    public void Read_Should_ReturnWrittenValues_When_CheckpointIsWrittenInDtypeAndShards(string dtype, int shards)
    {
        using var dir = new TempDirectory();
        var originals = Shapes.ToDictionary(s => s.Name, s => torch.randn(s.Shape, generator: new torch.Generator(7)));
        SafetensorsWriter.WriteCheckpoint(dir.Path, Pending(originals), dtype, shards);

        using var checkpoint = Checkpoint.Open(dir.Path);

        Assert.Equal(Shapes.Select(s => s.Name).Order(), checkpoint.TensorNames.Order());
        foreach (var (name, shape) in Shapes)
        {
            using var read = checkpoint.Read(name, shape);
            using var expected = originals[name].to_type(SafetensorsDtype.FloatScalarType(dtype)!.Value).to_type(torch.ScalarType.Float32);
            Assert.Equal(torch.ScalarType.Float32, read.dtype);
            Assert.Equal(shape, read.shape);
            Assert.True(read.eq(expected).all().item<bool>(), $"{name} differs after a {dtype} round trip");
            Assert.Equal(dtype, checkpoint.Info(name).Dtype);
        }
    }

    [Fact]
    public void WriteCheckpoint_Should_WriteIndexNamingEveryShard_When_ShardsAreRequested()
    {
        using var dir = new TempDirectory();
        var originals = Shapes.ToDictionary(s => s.Name, s => torch.zeros(s.Shape));

        var files = SafetensorsWriter.WriteCheckpoint(dir.Path, Pending(originals), "F32", 3);

        string[] expected = ["model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
            "model-00003-of-00003.safetensors", "model.safetensors.index.json"];
        Assert.Equal(expected, files.Select(Path.GetFileName));
        Assert.False(File.Exists(dir.File("model.safetensors")));
        var map = ShardIndex.Read(dir.File(ShardIndex.FileName));
        Assert.Equal(3, map.Values.Distinct().Count());
        using var checkpoint = Checkpoint.Open(dir.Path);
        Assert.All(Shapes, s => Assert.EndsWith(map[s.Name], checkpoint.Info(s.Name).File));
    }

    [Theory]
    [InlineData("F16", new byte[] { 0x00, 0x3C, 0x00, 0xC0, 0x00, 0x38 })]
    [InlineData("BF16", new byte[] { 0x80, 0x3F, 0x00, 0xC0, 0x00, 0x3F })]
    public void ReadFloat32_Should_ConvertHalfPrecisionBits_When_FileStoresThem(string dtype, byte[] bits)
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        RawSafetensors.Write(path, $$$"""{"w":{"dtype":"{{{dtype}}}","shape":[3],"data_offsets":[0,6]}}""", bits);

        using var file = SafetensorsFile.Open(path);
        using var values = file.ReadFloat32("w");

        Assert.Equal(new[] { 1f, -2f, 0.5f }, values.data<float>().ToArray());
    }

    [Fact]
    public void Open_Should_StripLanguageModelPrefixAndSkipVision_When_CheckpointIsConditionalGeneration()
    {
        using var dir = new TempDirectory();
        var tensors = new Dictionary<string, torch.Tensor>
        {
            ["language_model.model.embed_tokens.weight"] = torch.ones(4, 2),
            ["language_model.lm_head.weight"] = torch.ones(4, 2) * 2,
            ["vision_model.patch_embedding.linear.weight"] = torch.ones(3, 3),
            ["multi_modal_projector.linear_1.weight"] = torch.ones(2, 3),
        };
        SafetensorsWriter.WriteCheckpoint(dir.Path, Pending(tensors), "F32", 1);

        using var checkpoint = Checkpoint.Open(dir.Path);

        Assert.Equal(new[] { "lm_head.weight", "model.embed_tokens.weight" }, checkpoint.TensorNames.Order());
        using var head = checkpoint.Read("lm_head.weight", [4, 2]);
        Assert.Equal(2f, head[0, 0].item<float>());
    }

    [Fact]
    public void Write_Should_PadHeaderToEightBytes_When_WritingAFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("x.safetensors");

        SafetensorsWriter.Write(path, Pending(new() { ["a"] = torch.ones(3) }), "F32");

        byte[] bytes = File.ReadAllBytes(path);
        long headerLength = BitConverter.ToInt64(bytes, 0);
        Assert.Equal(0, headerLength % 8);
        Assert.Equal(8 + headerLength + 12, bytes.Length);
        using var file = SafetensorsFile.Open(path);
        Assert.Equal("pt", file.Metadata["format"]);
    }

    private static List<PendingTensor> Pending(Dictionary<string, torch.Tensor> tensors) =>
        tensors.Select(p => new PendingTensor(p.Key, p.Value.shape, () => p.Value)).ToList();
}
