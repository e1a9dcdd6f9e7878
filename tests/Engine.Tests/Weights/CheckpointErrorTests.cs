using LlmOperator.Engine.Weights;
using TorchSharp;

namespace LlmOperator.Engine.Tests.Weights;

/// <summary>A checkpoint that does not match what the model asks for fails with the file, the tensor and the fix.</summary>
public sealed class CheckpointErrorTests
{
    [Fact]
    public void Read_Should_NameFileAndTensor_When_TensorIsMissing()
    {
        using var dir = WriteCheckpoint(shards: 1);
        using var checkpoint = Checkpoint.Open(dir.Path);

        var error = Assert.Throws<CheckpointException>(() => checkpoint.Read("model.layers.7.mlp.up_proj.weight", [8, 4]));

        Assert.Contains(dir.File("model.safetensors"), error.Message);
        Assert.Contains("'model.layers.7.mlp.up_proj.weight'", error.Message);
    }

    [Fact]
    public void Read_Should_NameFileTensorAndBothShapes_When_ShapeIsWrong()
    {
        using var dir = WriteCheckpoint(shards: 2);
        using var checkpoint = Checkpoint.Open(dir.Path);
        string file = checkpoint.Info("lm_head.weight").File;

        var error = Assert.Throws<CheckpointException>(() => checkpoint.Read("lm_head.weight", [16, 4]));

        Assert.Contains(file, error.Message);
        Assert.Contains("'lm_head.weight'", error.Message);
        Assert.Contains("[8, 4]", error.Message);
        Assert.Contains("[16, 4]", error.Message);
    }

    [Fact]
    public void Open_Should_NameIndexShardAndTensor_When_IndexNamesMissingShard()
    {
        using var dir = WriteCheckpoint(shards: 2);
        File.Delete(dir.File("model-00002-of-00002.safetensors"));

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Open(dir.Path));

        Assert.Contains(dir.File(ShardIndex.FileName), error.Message);
        Assert.Contains("model-00002-of-00002.safetensors", error.Message);
        Assert.Contains("tensor '", error.Message);
    }

    [Fact]
    public void Open_Should_NameIndexAndTensor_When_ShardLacksMappedTensor()
    {
        using var dir = WriteCheckpoint(shards: 2);
        string index = File.ReadAllText(dir.File(ShardIndex.FileName));
        File.WriteAllText(dir.File(ShardIndex.FileName),
            index.Replace("\"lm_head.weight\": \"model-00002", "\"lm_head.weight\": \"model-00001", StringComparison.Ordinal));

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Open(dir.Path));

        Assert.Contains("'lm_head.weight'", error.Message);
        Assert.Contains("model-00001-of-00002.safetensors", error.Message);
    }

    [Fact]
    public void Open_Should_RefusePath_When_IndexNamesFileOutsideDirectory()
    {
        using var dir = WriteCheckpoint(shards: 2);
        File.WriteAllText(dir.File(ShardIndex.FileName), """{"weight_map":{"lm_head.weight":"../model.safetensors"}}""");

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Open(dir.Path));

        Assert.Contains("not a plain file name", error.Message);
    }

    [Fact]
    public void Open_Should_NameConfigAndArchitecture_When_ArchitectureIsUnknown()
    {
        using var dir = WriteCheckpoint(shards: 1);
        File.WriteAllText(dir.File("config.json"), """{"architectures":["MistralForCausalLM"],"model_type":"mistral"}""");

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Open(dir.Path));

        Assert.Contains(dir.File("config.json"), error.Message);
        Assert.Contains("'MistralForCausalLM'", error.Message);
        Assert.Contains("LlamaForCausalLM", error.Message);
    }

    [Fact]
    public void Open_Should_NameConfigAndField_When_ConfigLacksRequiredField()
    {
        using var dir = WriteCheckpoint(shards: 1);
        File.WriteAllText(dir.File("config.json"), """{"architectures":["LlamaForCausalLM"],"model_type":"llama"}""");

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Open(dir.Path));

        Assert.Contains(dir.File("config.json"), error.Message);
        Assert.Contains("'num_attention_heads'", error.Message);
    }

    [Fact]
    public void Open_Should_SayWhatIsExpected_When_DirectoryHasNoWeights()
    {
        using var dir = new TempDirectory();

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Open(dir.Path));

        Assert.Contains("model.safetensors", error.Message);
        Assert.Contains(ShardIndex.FileName, error.Message);
    }

    [Fact]
    public void Open_Should_RefuseCheckpoint_When_TwoKeysShareCanonicalName()
    {
        using var dir = new TempDirectory();
        SafetensorsWriter.Write(dir.File("model.safetensors"),
        [
            new PendingTensor("lm_head.weight", [2], () => torch.ones(2)),
            new PendingTensor("language_model.lm_head.weight", [2], () => torch.ones(2)),
        ], "F32");

        var error = Assert.Throws<CheckpointException>(() => Checkpoint.Open(dir.Path));

        Assert.Contains("both map to 'lm_head.weight'", error.Message);
    }

    private static TempDirectory WriteCheckpoint(int shards)
    {
        var dir = new TempDirectory();
        SafetensorsWriter.WriteCheckpoint(dir.Path,
        [
            new PendingTensor("model.embed_tokens.weight", [8, 4], () => torch.ones(8, 4)),
            new PendingTensor("model.norm.weight", [4], () => torch.ones(4)),
            new PendingTensor("lm_head.weight", [8, 4], () => torch.ones(8, 4)),
        ], "F32", shards);
        return dir;
    }
}
