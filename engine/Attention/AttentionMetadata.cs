using static TorchSharp.torch;

namespace LlmOperator.Engine.Attention;

/// <summary>
/// Everything attention needs for one step, built once on the CPU from the batch, for global (causal) and
/// chunked-local layers, then shared by every layer. Tokens are flattened in batch order: sequence 0's new
/// tokens, then sequence 1's, ... Owns its tensors (detached from dispose scopes); dispose it after the step.
/// </summary>
public sealed class AttentionMetadata : IDisposable
{
    private AttentionMetadata(int numTokens, int numSequences, int blockSize, int? chunkSize, Tensor positions, Tensor slots,
        Tensor lastTokens, AttentionLayout global, AttentionLayout? local, long maxSlot)
    {
        (NumTokens, NumSequences, BlockSize, AttentionChunkSize) = (numTokens, numSequences, blockSize, chunkSize);
        (Positions, SlotMapping, LastTokenIndices, Global, Local, MaxSlot) = (positions, slots, lastTokens, global, local, maxSlot);
    }

    /// <param name="attentionChunkSize">C for chunked local layers; null when the model has none.</param>
    public static AttentionMetadata Build(IReadOnlyList<SequenceSlice> sequences, int blockSize, int? attentionChunkSize, Device device)
    {
        var global = AttentionSegments.Global(sequences, blockSize);
        var local = attentionChunkSize is { } c ? LocalAttentionBatches.Build(sequences, blockSize, c) : null;
        var tokens = global.Sum(s => s.QueryLength);
        var positions = new long[tokens];
        var slots = new long[tokens];
        var lastTokens = new long[sequences.Count];
        var next = 0;
        for (var i = 0; i < sequences.Count; i++)
        {
            var s = sequences[i];
            for (var p = s.ComputedTokens; p < s.ComputedTokens + s.NewTokens; p++, next++)
                (positions[next], slots[next]) = (p, AttentionSegments.Slot(s.BlockTable, blockSize, p));
            lastTokens[i] = next - 1;
        }
        var globalLayout = new AttentionLayout(global, sequences, blockSize, tokens, device);
        // While every sequence still lies in chunk 0 the local segments are the global ones: share the layout.
        var localLayout = local is null ? null
            : local.SequenceEqual(global) ? globalLayout
            : new AttentionLayout(local, sequences, blockSize, tokens, device);
        var maxSlot = globalLayout.Batches.Max(b => b.Plan.KeySlots.Max());
        return new AttentionMetadata(tokens, sequences.Count, blockSize, attentionChunkSize, Upload(positions, device), Upload(slots, device),
            Upload(lastTokens, device), globalLayout, localLayout, maxSlot);
    }

    public int NumTokens { get; }

    public int NumSequences { get; }

    public int BlockSize { get; }

    /// <summary>C of the chunked-local layers; null when the model has none.</summary>
    public int? AttentionChunkSize { get; }

    /// <summary>[T] int64: the absolute position of each new token (for RoPE and temperature tuning).</summary>
    public Tensor Positions { get; }

    /// <summary>[T] int64: the cache slot (block · B + offset) each new token's k and v are written to.</summary>
    public Tensor SlotMapping { get; }

    /// <summary>Index into the flattened token dimension of each sequence's last new token (for sampling).</summary>
    public Tensor LastTokenIndices { get; }

    /// <summary>Plain causal layers: one segment per sequence.</summary>
    public AttentionLayout Global { get; }

    /// <summary>Chunked-local layers: one segment per (sequence, chunk touched); null without a chunk size.</summary>
    public AttentionLayout? Local { get; }

    /// <summary>The highest cache slot this step reads or writes; checked against the cache before use.</summary>
    public long MaxSlot { get; }

    public void Dispose()
    {
        Positions.Dispose();
        SlotMapping.Dispose();
        LastTokenIndices.Dispose();
        Global.Dispose();
        if (!ReferenceEquals(Local, Global))
            Local?.Dispose();
    }

    private static Tensor Upload(long[] values, Device device) => tensor(values, device: device).DetachFromDisposeScope();
}
