using LlmOperator.Engine.ModelMaking;
using LlmOperator.Engine.Tests.Weights;

namespace LlmOperator.Engine.Tests.Tokenization;

/// <summary>The tokenizer files make-model writes for a Llama 4 and a Llama 3 preset, made once per test class.</summary>
public sealed class MadeTokenizerFixture : IDisposable
{
    private readonly TempDirectory _llama4 = new();
    private readonly TempDirectory _llama3 = new();

    public MadeTokenizerFixture()
    {
        Llama4Ids = Write(_llama4.Path, ModelPresets.TinyLlama4);
        Llama3Ids = Write(_llama3.Path, ModelPresets.TinyLlama);
    }

    public string Llama4Directory => _llama4.Path;
    public string Llama3Directory => _llama3.Path;
    public SpecialTokenIds Llama4Ids { get; }
    public SpecialTokenIds Llama3Ids { get; }

    public void Dispose()
    {
        _llama4.Dispose();
        _llama3.Dispose();
    }

    private static SpecialTokenIds Write(string directory, ModelSpec spec)
    {
        var ids = TokenizerWriter.Write(directory, spec);
        HuggingFaceConfigWriter.WriteGenerationConfig(Path.Combine(directory, "generation_config.json"), ids);
        return ids;
    }
}
