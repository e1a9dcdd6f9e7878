using LlmOperator.Rules.Architecture;

namespace LlmOperator.Rules.Tests.Architecture;

public sealed class ArchitectureTests
{
    [Fact]
    public void Catalog_Should_HoldScoutRealValues_When_LookedUpByIdOrName()
    {
        var scout = ModelCatalog.Find("meta-llama/Llama-4-Scout-17B-16E-Instruct")!;
        Assert.Same(scout, ModelCatalog.Find("llama-4-scout-17b-16e-instruct"));
        Assert.Equal((ModelFamily.Llama4, 5120, 48, 40, 8, 128), (scout.Family, scout.HiddenSize, scout.NumLayers, scout.NumAttentionHeads, scout.NumKeyValueHeads, scout.HeadDim));
        Assert.Equal(8192, scout.AttentionChunkSize);
        Assert.Equal(36, scout.ChunkedLayerCount);
        Assert.Equal((16, 48), (scout.NumExperts, scout.MoeLayerCount));
        Assert.Equal(10_485_760, scout.DerivedMaxModelLen);   // llama3 rope scaling is baked in: not multiplied
    }

    [Fact]
    public void Catalog_Should_ListEveryRequiredModel_When_Enumerated()
    {
        foreach (var name in new[] { "meta-llama/Llama-4-Scout-17B-16E", "meta-llama/Llama-4-Maverick-17B-128E-Instruct",
                     "meta-llama/Llama-4-Maverick-17B-128E", "meta-llama/Llama-3.1-8B", "meta-llama/Llama-3.1-70B-Instruct",
                     "llmoperator/tiny-llama4", "llmoperator/tiny-llama" })
            Assert.Contains(name, ModelCatalog.Names);
        Assert.Equal(24, ModelCatalog.Find("Llama-4-Maverick-17B-128E-Instruct")!.MoeLayerCount);
        Assert.Null(ModelCatalog.Find("gpt-2"));
    }

    [Fact]
    public void Read_Should_ReadBareTextConfig_When_Llama4ForCausalLM()
    {
        const string json = """{"model_type":"llama4_text","hidden_size":64,"num_attention_heads":4,"num_key_value_heads":2,"head_dim":16,"num_hidden_layers":4,"vocab_size":100,"intermediate_size":32,"intermediate_size_mlp":64,"num_local_experts":2,"interleave_moe_layer_step":2,"attention_chunk_size":32,"max_position_embeddings":1024}""";
        var m = HuggingFaceConfigReader.Read(json, "x", "test");
        Assert.Equal((2, 2, 32, 3), (m.MoeLayerCount, m.DenseLayerCount, m.AttentionChunkSize!.Value, m.ChunkedLayerCount));
    }

    [Fact]
    public void Read_Should_MultiplyMaxLen_When_LinearRopeScaling()
    {
        const string json = """{"model_type":"llama","hidden_size":64,"num_attention_heads":4,"num_hidden_layers":2,"vocab_size":100,"intermediate_size":32,"max_position_embeddings":1024,"rope_scaling":{"type":"linear","factor":4.0}}""";
        var m = HuggingFaceConfigReader.Read(json, "x", "test");
        Assert.Equal(4096, m.DerivedMaxModelLen);
        Assert.Equal(4, m.NumKeyValueHeads);
        Assert.Equal(16, m.HeadDim);
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("""{"model_type":"gpt2"}""", "model_type 'gpt2' is not supported")]
    [InlineData("""{"model_type":"llama","hidden_size":64}""", "'num_attention_heads' is missing")]
    [InlineData("""{"model_type":"llama","hidden_size":"big","num_attention_heads":4}""", "'hidden_size' must be an integer")]
    [InlineData("""{"model_type":"llama","hidden_size":64,"num_attention_heads":4,"num_hidden_layers":2,"vocab_size":100,"intermediate_size":32,"max_position_embeddings":1024,"rope_scaling":{"rope_type":"llama3","factor":"x"}}""", "rope_scaling")]
    public void Read_Should_NameSourceAndField_When_ConfigIsBad(string json, string expected)
    {
        var e = Assert.Throws<ModelConfigException>(() => HuggingFaceConfigReader.Read(json, "x", "configmap/models:config.json"));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("configmap/models:config.json", e.Message);
    }
}
