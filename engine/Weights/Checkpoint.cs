using TorchSharp;

namespace LlmOperator.Engine.Weights;

/// <summary>CONTRACT STUB (owner: weights helper) — replaced by the real implementation.</summary>
public sealed class Checkpoint : IDisposable
{
    /// <summary>Opens a Hugging Face directory: model.safetensors or model.safetensors.index.json shards; validates every header.</summary>
    public static Checkpoint Open(string directory) => throw new NotImplementedException();

    public string Directory => throw new NotImplementedException();

    /// <summary>Canonical names: "model.embed_tokens.weight", "model.layers.0.self_attn.q_proj.weight", "lm_head.weight"
    /// (the Llama4ForConditionalGeneration prefix "language_model." is removed).</summary>
    public IReadOnlyCollection<string> TensorNames => throw new NotImplementedException();

    public TensorInfo Info(string name) => throw new NotImplementedException();

    /// <summary>Reads a tensor as float32 on the CPU after checking its shape equals <paramref name="shape"/>;
    /// a missing tensor or wrong shape throws <see cref="CheckpointException"/> naming file and tensor.</summary>
    public torch.Tensor Read(string name, long[] shape) => throw new NotImplementedException();

    public void Dispose() => throw new NotImplementedException();
}

/// <summary>Dtype as in the safetensors header ("F32", "F16", "BF16").</summary>
public sealed record TensorInfo(string Name, string File, string Dtype, long[] Shape);

public sealed class CheckpointException(string message) : Exception(message);
