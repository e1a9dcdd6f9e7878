using LlmOperator.Rules.Settings;
using LlmOperator.Rules.Validation;
using static LlmOperator.Rules.Tests.Validation.Scenario;

namespace LlmOperator.Rules.Tests.Validation;

public sealed class DeploymentRulesTests
{
    /// <summary>The seed's table: Scout at TP 4 and 8 with maxModelLen 4096 and 8192 is valid on this engine.</summary>
    [Theory]
    [InlineData(4, 4096)]
    [InlineData(4, 8192)]
    [InlineData(8, 4096)]
    [InlineData(8, 8192)]
    public void Validate_Should_Accept_When_SeedScoutConfiguration(int tp, int maxModelLen)
    {
        var report = Validate(Engine(tp, maxModelLen));
        Assert.True(report.IsValid, string.Join("\n", report.Errors));
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public void Validate_Should_ReportInfo_When_MaxModelLenBelowChunk()
    {
        var finding = Assert.Single(Validate(Engine(4, 4096)).Findings, f => f.RuleId == RuleIds.MaxModelLenBelowChunk);
        Assert.Equal(Severity.Info, finding.Severity);
        Assert.Contains("4,096", finding.Message);
        Assert.Contains("8,192", finding.Message);
        Assert.DoesNotContain(Validate(Engine(4, 8192)).Findings, f => f.RuleId == RuleIds.MaxModelLenBelowChunk);
    }

    // Each row: settings that break exactly one rule (with the field it names), next to a neighbour that passes.
    public static TheoryData<string, EngineSettings, string, string> Violations => new()
    {
        { "chunk % block", Engine(blockSize: 48), RuleIds.BlockSizeUnsupported, Fields.BlockSize },
        { "heads % tp", Engine(tp: 3), RuleIds.TpAttentionHeads, Fields.TensorParallelSize },
        { "kv heads vs tp", Engine(tp: 5), RuleIds.TpKvHeads, Fields.TensorParallelSize },
        { "tp > per node", Engine(tp: 8), RuleIds.TpGpusPerNode, Fields.TensorParallelSize },
        { "beyond positions", Engine(maxModelLen: 20_000_000), RuleIds.MaxModelLenExceedsModel, Fields.MaxModelLen },
        { "batched < seqs", Engine() with { MaxNumBatchedTokens = 128, MaxNumSeqs = 256 }, RuleIds.BatchedTokensBelowSeqs, Fields.MaxNumBatchedTokens },
        { "tp zero", Engine(tp: 0), RuleIds.ValueOutOfRange, Fields.TensorParallelSize },
        { "negative len", Engine(maxModelLen: -5), RuleIds.ValueOutOfRange, Fields.MaxModelLen },
        { "absurd len", Engine(maxModelLen: 1L << 40), RuleIds.ValueOutOfRange, Fields.MaxModelLen },
        { "utilization", Engine() with { GpuMemoryUtilization = 1.5 }, RuleIds.ValueOutOfRange, Fields.GpuMemoryUtilization },
        { "zero seqs", Engine() with { MaxNumSeqs = 0 }, RuleIds.ValueOutOfRange, Fields.MaxNumSeqs },
        { "dtype", Engine() with { Dtype = "int3" }, RuleIds.DtypeUnknown, Fields.Dtype },
        { "block size", Engine(blockSize: 0), RuleIds.ValueOutOfRange, Fields.BlockSize },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public void Validate_Should_Reject_When_OneRuleBroken(string why, EngineSettings settings, string ruleId, string field)
    {
        var gpus = why == "tp > per node" ? H100s(perNode: 4) : H100s();
        var report = Validate(settings, gpus: gpus);
        Assert.False(report.IsValid, why);
        var error = Assert.Single(report.Errors, e => e.RuleId == ruleId);
        Assert.All(report.Errors, e => Assert.Equal(field, e.Field));
        Assert.False(string.IsNullOrWhiteSpace(error.Fix));
    }

    // The other direction: the nearest settings on the valid side of each rule do not fire it.
    public static TheoryData<string, EngineSettings, string> Neighbours => new()
    {
        { "tp 2 divides heads", Engine(tp: 2), RuleIds.TpAttentionHeads },
        { "tp 8 splits kv heads", Engine(tp: 8), RuleIds.TpKvHeads },
        { "tp 8 within 8 per node", Engine(tp: 8), RuleIds.TpGpusPerNode },
        { "len at model max", Engine(tp: 8, maxModelLen: 10_485_760), RuleIds.MaxModelLenExceedsModel },
        { "batched == seqs", Engine() with { MaxNumBatchedTokens = 256, MaxNumSeqs = 256 }, RuleIds.BatchedTokensBelowSeqs },
        { "tp 64", Engine(tp: 64), RuleIds.ValueOutOfRange },
        { "len 1", Engine(maxModelLen: 1), RuleIds.ValueOutOfRange },
        { "utilization 1", Engine() with { GpuMemoryUtilization = 1.0 }, RuleIds.ValueOutOfRange },
        { "dtype half", Engine() with { Dtype = "half" }, RuleIds.DtypeUnknown },
        { "block 128", Engine(blockSize: 128), RuleIds.BlockSizeUnsupported },
        { "block 128 divides chunk", Engine(blockSize: 128), RuleIds.ChunkBlockMultiple },
        { "len fits kv cache", Engine(tp: 4, maxModelLen: 400_000), RuleIds.KvCacheCapacity },
        { "budget usable", Engine() with { MaxNumSeqs = 2, MaxNumBatchedTokens = 8192 }, RuleIds.BatchedTokensAboveCapacity },
        { "len set", Engine(maxModelLen: 8192), RuleIds.MaxModelLenDefaulted },
    };

    [Theory]
    [MemberData(nameof(Neighbours))]
    public void Validate_Should_NotFire_When_NeighbourIsValid(string why, EngineSettings settings, string ruleId) =>
        Assert.False(Validate(settings).Findings.Any(f => f.RuleId == ruleId), why);

    [Fact]
    public void Validate_Should_ExplainDefault_When_MaxModelLenUnset()
    {
        var report = Validate(Engine(tp: 8, maxModelLen: null));
        Assert.Contains(report.Findings, f => f.RuleId == RuleIds.MaxModelLenDefaulted && f.Message.Contains("10,485,760"));
        Assert.Contains(RuleIds.KvCacheCapacity, report.ErrorIds());   // 10 M tokens of KV cache do not fit 8 GPUs
    }

    [Fact]
    public void Validate_Should_ListWorkingTpValues_When_TpDoesNotDivideHeads()
    {
        var error = Assert.Single(Validate(Engine(tp: 3)).Errors, e => e.RuleId == RuleIds.TpAttentionHeads);
        Assert.Contains("40 attention heads", error.Message);
        Assert.Contains("1, 2, 4, 8", error.Fix);
    }

    [Fact]
    public void Validate_Should_RejectBlockSizeNotDividingChunk_When_BlockSizeSupported()
    {
        var model = TinyLlama4 with { AttentionChunkSize = 24 };
        var error = Assert.Single(Validate(Engine(tp: 1, maxModelLen: 100, blockSize: 16), model).Errors);
        Assert.Equal(RuleIds.ChunkBlockMultiple, error.RuleId);
        Assert.Contains("24", error.Message);
        Assert.Contains("1, 2, 4, 8", error.Fix);
        Assert.True(Validate(Engine(tp: 1, maxModelLen: 100, blockSize: 8), model).IsValid);
    }

    [Fact]
    public void Validate_Should_AcceptTpMultipleOfKvHeads_When_HeadsDivide()
    {
        var model = Llama8B with { NumAttentionHeads = 32, NumKeyValueHeads = 2 };
        Assert.True(Validate(Engine(tp: 4), model).IsValid);
        Assert.Contains(RuleIds.TpKvHeads, Validate(Engine(tp: 4), model with { NumKeyValueHeads = 3, NumAttentionHeads = 24 }).ErrorIds());
    }

    [Fact]
    public void Validate_Should_RejectVocabularySharding_When_EngineRuntimeAndVocabNotDivisible()
    {
        var model = Llama8B with { VocabSize = 128_255 };
        Assert.Contains(RuleIds.TpVocabulary, Validate(Engine(tp: 2), model).ErrorIds());
        Assert.DoesNotContain(RuleIds.TpVocabulary, Validate(Engine(tp: 2) with { Runtime = EngineRuntime.Vllm, RuntimeVersion = "0.9.0" }, model).ErrorIds());
    }

    [Fact]
    public void Validate_Should_RejectExpertSharding_When_IntermediateNotDivisible()
    {
        var model = TinyLlama4 with { IntermediateSize = 96 };
        Assert.Contains(RuleIds.TpIntermediate, Validate(Engine(tp: 2), model with { IntermediateSize = 97 }).ErrorIds());
        Assert.DoesNotContain(RuleIds.TpIntermediate, Validate(Engine(tp: 2), model).ErrorIds());
    }

    [Fact]
    public void Validate_Should_Warn_When_BatchedTokensExceedWhatSequencesCanUse()
    {
        var report = Validate(Engine(maxModelLen: 4096) with { MaxNumSeqs = 1, MaxNumBatchedTokens = 8192 });
        Assert.True(report.IsValid);
        Assert.Equal(RuleIds.BatchedTokensAboveCapacity, Assert.Single(report.Warnings).RuleId);
    }
}
