namespace LlmOperator.Rules.Validation;

/// <summary>Stable rule identifiers. Never rename one: admission messages, alerts and docs refer to them.</summary>
public static class RuleIds
{
    public const string ValueOutOfRange = "value-out-of-range";
    public const string DtypeUnknown = "dtype-unknown";
    public const string BlockSizeUnsupported = "block-size-unsupported";
    public const string ChunkBlockMultiple = "attention-chunk-block-multiple";
    public const string MaxModelLenBelowChunk = "max-model-len-below-chunk";
    public const string MaxModelLenExceedsModel = "max-model-len-exceeds-model";
    public const string MaxModelLenDefaulted = "max-model-len-defaulted";
    public const string TpAttentionHeads = "tp-attention-heads";
    public const string TpKvHeads = "tp-kv-heads";
    public const string TpIntermediate = "tp-intermediate-size";
    public const string TpVocabulary = "tp-vocabulary";
    public const string TpGpusPerNode = "tp-exceeds-gpus-per-node";
    public const string KvCacheCapacity = "kv-cache-capacity";
    public const string BatchedTokensBelowSeqs = "batched-tokens-below-max-num-seqs";
    public const string BatchedTokensAboveCapacity = "batched-tokens-above-capacity";
    public const string BatchedTokensChunkPrefill = "batched-tokens-chunk-prefill";
    public const string KnownDefect = "known-defect";
    public const string RuntimeVersionUnknown = "runtime-version-unknown";
}
