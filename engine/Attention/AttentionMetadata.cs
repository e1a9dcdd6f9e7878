using TorchSharp;

namespace LlmOperator.Engine.Attention;

/// <summary>CONTRACT STUB (owner: attention helper): everything attention needs for one step, built once
/// on the CPU from the batch, for global (causal) and chunked-local layers. Tokens are flattened in
/// batch order: sequence 0's new tokens, then sequence 1's, ...</summary>
public sealed class AttentionMetadata : IDisposable
{
    /// <param name="attentionChunkSize">C for chunked local layers; null when the model has none.</param>
    public static AttentionMetadata Build(IReadOnlyList<SequenceSlice> sequences, int blockSize, int? attentionChunkSize, torch.Device device) =>
        throw new NotImplementedException();

    public int NumTokens => throw new NotImplementedException();

    /// <summary>[T] int64: the absolute position of each new token (for RoPE and temperature tuning).</summary>
    public torch.Tensor Positions => throw new NotImplementedException();

    /// <summary>Index into the flattened token dimension of each sequence's last new token (for sampling).</summary>
    public torch.Tensor LastTokenIndices => throw new NotImplementedException();

    public void Dispose() => throw new NotImplementedException();
}
