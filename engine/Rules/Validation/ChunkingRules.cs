using LlmOperator.Rules.Settings;

namespace LlmOperator.Rules.Validation;

/// <summary>
/// Rules about sequence length and Llama 4's chunked local attention (a query at p sees keys in [C·⌊p/C⌋, p]).
/// </summary>
internal static class ChunkingRules
{
    public static IEnumerable<Finding> Check(RuleContext c)
    {
        var model = c.Model;
        long len = c.MaxModelLen;
        int block = c.Settings.BlockSize;

        if (c.Settings.MaxModelLen is null)
            yield return new Finding(RuleIds.MaxModelLenDefaulted, Severity.Info, Fields.MaxModelLen,
                $"maxModelLen is not set, so it defaults to the model's maximum of {len:N0} tokens.",
                "Set maxModelLen to the longest prompt plus output you serve; a smaller value needs less KV cache.");

        if (len > model.DerivedMaxModelLen)
            yield return new Finding(RuleIds.MaxModelLenExceedsModel, Severity.Error, Fields.MaxModelLen,
                $"maxModelLen {len:N0} exceeds the {model.DerivedMaxModelLen:N0} positions {model.Name} supports " +
                $"(max_position_embeddings {model.MaxPositionEmbeddings:N0}{RopeNote(c)}); positions beyond it give " +
                "wrong outputs or index past the RoPE tables.",
                $"Set maxModelLen to at most {model.DerivedMaxModelLen:N0}.");

        if (model.AttentionChunkSize is not { } chunk) yield break;

        // The engine's local block table has C/B columns per chunk; C must be a whole number of KV blocks.
        if (chunk % block != 0)
            yield return new Finding(RuleIds.ChunkBlockMultiple, Severity.Error, Fields.BlockSize,
                $"attention_chunk_size {chunk:N0} of {model.Name} is not a multiple of blockSize {block}: a local-attention " +
                "chunk must cover whole KV-cache blocks.",
                $"Use a blockSize that divides {chunk:N0}: {string.Join(", ", Divisors(chunk, c.Settings.Runtime))}.");

        if (len < chunk)
            yield return new Finding(RuleIds.MaxModelLenBelowChunk, Severity.Info, Fields.MaxModelLen,
                $"maxModelLen {len:N0} is below attention_chunk_size {chunk:N0}: every sequence fits in one chunk, so " +
                "the chunked layers attend causally to the whole sequence. This is valid for runtimes that bound their " +
                "block-table columns (this engine; vLLM from 0.8.4).",
                "None needed.");
    }

    private static string RopeNote(RuleContext c) => c.Model.RopeScaling is { } r && c.Model.DerivedMaxModelLen != c.Model.MaxPositionEmbeddings
        ? $" × rope_scaling factor {r.Factor}"
        : "";

    private static IEnumerable<int> Divisors(int chunk, EngineRuntime runtime) =>
        BoundsRules.SupportedBlockSizes(runtime).Where(b => chunk % b == 0);
}
