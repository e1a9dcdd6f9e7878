using System.Text.Json.Nodes;
using LlmOperator.Engine.Reference.Conversion;
using LlmOperator.Rules.Architecture;

namespace LlmOperator.Engine.Tests.Reference;

public sealed class LlamaCppCompatibilityTests : IDisposable
{
    private const string Llama4Config = """
        {
          "architectures": ["Llama4ForCausalLM"], "model_type": "llama4_text",
          "hidden_size": 64, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16,
          "num_hidden_layers": 4, "vocab_size": 512, "intermediate_size": 128, "intermediate_size_mlp": 256,
          "num_local_experts": 4, "num_experts_per_tok": 1, "interleave_moe_layer_step": 2,
          "attention_chunk_size": 8192, "no_rope_layers": [1, 1, 1, 0], "use_qk_norm": true,
          "attn_temperature_tuning": true, "floor_scale": 8192, "attn_scale": 0.1, "rope_theta": 500000.0,
          "rope_scaling": {"rope_type": "llama3", "factor": 16.0, "low_freq_factor": 1.0, "high_freq_factor": 1.0,
                           "original_max_position_embeddings": 8192},
          "max_position_embeddings": 131072, "rms_norm_eps": 1e-05, "tie_word_embeddings": false, "torch_dtype": "float32"
        }
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("llamacpp-compat-").FullName;

    [Fact]
    public void ReadSpec_Should_SwapDenseAndExpertWidthsAsLlamaCppsConverter_When_ModelIsLlama4()
    {
        var spec = CheckpointGgufConverter.ReadSpec(WriteConfig(_ => { }));

        Assert.Equal(ModelFamily.Llama4, spec.Family);
        Assert.Equal(256, spec.FeedForwardLength);        // intermediate_size_mlp: the dense layers
        Assert.Equal(128, spec.ExpertFeedForwardLength);  // intermediate_size: experts and the shared expert
        Assert.Equal(2, spec.MoeLayerStep);
        Assert.Equal([false, true, false, true], Enumerable.Range(0, 4).Select(spec.IsMoeLayer));
        Assert.Equal(16, spec.HeadDim);
    }

    [Theory]
    [InlineData("attention_chunk_size", "512", "attention_chunk_size is 512; llama.cpp fixes it at 8192")]
    [InlineData("no_rope_layers", "[1, 1, 0, 1]", "no_rope_layers is [1, 1, 0, 1]")]
    [InlineData("use_qk_norm", "false", "use_qk_norm is false; llama.cpp infers true from 4 experts")]
    [InlineData("floor_scale", "4096", "floor_scale is 4096")]
    [InlineData("attn_temperature_tuning", "false", "attn_temperature_tuning is off")]
    [InlineData("moe_layers", "[0, 1]", "moe_layers [0, 1] is not every 2th layer")]
    public void ReadSpec_Should_RefuseNamingTheField_When_LlamaCppWouldEvaluateADifferentModel(string field, string value, string expected)
    {
        string directory = WriteConfig(config => config[field] = JsonNode.Parse(value));

        var error = Assert.Throws<ModelConfigException>(() => CheckpointGgufConverter.ReadSpec(directory));

        Assert.Contains(expected, error.Message);
        Assert.Contains("config.json", error.Message);
    }

    [Fact]
    public void ReadSpec_Should_RefuseUnconvertedRopeScaling_When_ModelIsLlama()
    {
        string directory = WriteConfig(config =>
        {
            config["model_type"] = "llama";
            config["rope_scaling"] = JsonNode.Parse("""{"rope_type": "yarn", "factor": 4.0}""");
        });

        var error = Assert.Throws<ModelConfigException>(() => CheckpointGgufConverter.ReadSpec(directory));

        Assert.Contains("rope_scaling type 'yarn'", error.Message);
    }

    private string WriteConfig(Action<JsonObject> edit)
    {
        var config = JsonNode.Parse(Llama4Config)!.AsObject();
        edit(config);
        string directory = Directory.CreateDirectory(Path.Combine(_directory, Guid.NewGuid().ToString("N"))).FullName;
        File.WriteAllText(Path.Combine(directory, "config.json"), config.ToJsonString());
        return directory;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
