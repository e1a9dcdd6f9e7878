using LlmOperator.Engine.Models;
using LlmOperator.Rules.Architecture;

namespace LlmOperator.Engine.Tests.Models;

public sealed class ModelConfigTests
{
    [Fact]
    public void Parse_Should_ReadTextConfig_When_ConfigIsLlama4ForConditionalGeneration()
    {
        var config = TestModels.Config(TestModels.Scout);

        Assert.Equal(ModelFamily.Llama4, config.Family);
        Assert.Equal(5120, config.HiddenSize);
        Assert.Equal(8, config.KeyValueHeads);
        Assert.Equal(16384, config.DenseIntermediateSize);
        Assert.Equal(8192, config.AttentionChunkSize);
        Assert.True(config.AttnTemperatureTuning);      // Scout writes 4
        Assert.Equal("llama3", config.RopeScaling!.Kind);
        Assert.Equal(16.0, config.RopeScaling.Factor);
        Assert.False(config.TieWordEmbeddings);
    }

    [Fact]
    public void LayerKinds_Should_FollowNoRopeLayers_When_ConfigIsScout()
    {
        var config = TestModels.Config(TestModels.Scout);

        // [1,1,1,0] × 12: layers 3, 7, ... are NoPE (global, temperature-tuned, no QK-norm); the rest RoPE + chunked.
        for (int layer = 0; layer < 48; layer++)
        {
            bool nope = layer % 4 == 3;
            Assert.Equal(!nope, config.UsesRope(layer));
            Assert.Equal(!nope, config.IsChunkedLocal(layer));
            Assert.Equal(!nope, config.UsesQkNorm(layer));
            Assert.Equal(nope, config.UsesTemperatureTuning(layer));
            Assert.True(config.IsMoeLayer(layer));       // interleave_moe_layer_step 1
        }
    }

    [Fact]
    public void IsMoeLayer_Should_FollowInterleaveStep_When_MoeLayersAbsent()
    {
        var config = TestModels.Config(TestModels.TinyLlama4);   // 4 layers, step 2 → MoE at 1 and 3

        Assert.Equal([false, true, false, true], Enumerable.Range(0, 4).Select(config.IsMoeLayer));
        Assert.Equal(256, config.DenseIntermediateSize);
    }

    [Fact]
    public void IsMoeLayer_Should_FollowMoeLayers_When_Listed()
    {
        var config = ModelConfig.Parse(TestModels.CatalogJson(TestModels.TinyLlama4).Replace(
            "\"interleave_moe_layer_step\": 2", "\"interleave_moe_layer_step\": 2, \"moe_layers\": [0]"), "test");

        Assert.Equal([true, false, false, false], Enumerable.Range(0, 4).Select(config.IsMoeLayer));
    }

    [Fact]
    public void Parse_Should_GiveDenseRopeEverywhere_When_ConfigIsPlainLlama()
    {
        var config = TestModels.Config(TestModels.TinyLlama);

        Assert.Equal(ModelFamily.Llama, config.Family);
        Assert.All(Enumerable.Range(0, 2), layer =>
        {
            Assert.True(config.UsesRope(layer));
            Assert.False(config.IsChunkedLocal(layer));
            Assert.False(config.IsMoeLayer(layer));
            Assert.False(config.UsesQkNorm(layer));
            Assert.False(config.UsesTemperatureTuning(layer));
        });
    }

    [Theory]
    [InlineData("\"hidden_act\": \"silu\"", "\"hidden_act\": \"gelu\"", "hidden_act")]
    [InlineData("\"rope_type\": \"llama3\"", "\"rope_type\": \"yarn\"", "rope_scaling")]
    [InlineData("\"hidden_size\": 64", "\"hidden_size\": \"wide\"", "hidden_size")]
    [InlineData("\"no_rope_layers\": [", "\"no_rope_layers\": [1, ", "no_rope_layers")]
    [InlineData("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3", "num_key_value_heads")]
    [InlineData("\"model_type\": \"llama4_text\"", "\"model_type\": \"mistral\"", "model_type")]
    public void Parse_Should_NameFileAndField_When_ConfigIsUnusable(string from, string to, string field)
    {
        string json = TestModels.CatalogJson(TestModels.TinyLlama4).Replace("\"hidden_size\": 64,", "\"hidden_size\": 64, \"hidden_act\": \"silu\",");
        Assert.Contains(from, json);

        var error = Assert.Throws<ModelConfigException>(() => ModelConfig.Parse(json.Replace(from, to), "/models/x/config.json"));

        Assert.Contains("/models/x/config.json", error.Message);
        Assert.Contains(field, error.Message);
    }
}
