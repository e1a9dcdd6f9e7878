using LlmOperator.Engine.ModelMaking;
using LlmOperator.Engine.Tests.Weights;

namespace LlmOperator.Engine.Tests.Generation;

/// <summary>
/// Checkpoints written by make-model once per test class: tiny Llama 4 (C = 8192), the same with C = 96 (so a chunk
/// that 64 does not divide, and maxModelLen around C, are cheap to reach), and tiny Llama 3.
/// </summary>
public sealed class MadeModels : IDisposable
{
    private readonly TempDirectory _root = new();

    public MadeModels()
    {
        TinyLlama4 = Make("tiny-llama4", ModelPresets.TinyLlama4);
        Chunk96Llama4 = Make("tiny-llama4-c96", ModelPresets.TinyLlama4 with { AttentionChunkSize = 96 });
        TinyLlama = Make("tiny-llama", ModelPresets.TinyLlama);
    }

    public string TinyLlama4 { get; }
    public string Chunk96Llama4 { get; }
    public string TinyLlama { get; }

    private string Make(string name, ModelSpec spec)
    {
        string directory = Path.Combine(_root.Path, name);
        ModelMaker.Make(new MakeModelRequest(directory, spec, Seed: 11, Dtype: "F32", Shards: 1));
        return directory;
    }

    public void Dispose() => _root.Dispose();
}
